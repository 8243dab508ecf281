package dev.homefleet.controller.cli;

import dev.homefleet.controller.discovery.DiscoveryReport;
import dev.homefleet.controller.discovery.FleetBrowser;
import dev.homefleet.controller.discovery.FoundAgent;
import dev.homefleet.controller.discovery.LocalAddresses;
import dev.homefleet.controller.discovery.MdnsName;
import dev.homefleet.controller.discovery.SilentMachine;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "discover", mixinStandardHelpOptions = true,
        description = {"Listen for homefleet agents on the local network (mDNS, _homefleet._tcp) and compare them "
                + "with the fleet file: which answered, whether the file knows them, which machines with an agent "
                + "did not answer, and what the machines' .local names resolve to.",
                "Takes the timeout plus about 2 s to close. Exits 0: what answers is information, not an error."})
public final class DiscoverCommand implements Callable<Integer> {

    static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = TimeoutConverter.class,
            description = "How long to listen, e.g. 5s or 1500ms; at most 1m. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--interface", paramLabel = "ADDR", converter = AddressConverter.class,
            description = "The local IP address to listen on (127.0.0.1: this machine only). Default: this "
                    + "machine's LAN address from the fleet file, else its first private IPv4 address.")
    InetAddress address;

    @Option(names = "--json", description = "Print the report as JSON: address, listened, agents, silent, names.")
    boolean json;

    public DiscoverCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LoadResult result = options.load(context);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (result.bound().isEmpty()) {
            return Output.refuse(err, result, "; fix them to compare the network with the fleet");
        }
        FleetConfig fleet = result.bound().get();
        DiscoveryReport report;
        try {
            InetAddress on = address != null ? address : LocalAddresses.defaultFor(fleet);
            report = FleetBrowser.discover(on, fleet, timeout);
        } catch (IOException e) {
            err.println("fleet: cannot listen for mDNS" + (address == null ? "" : " on " + address.getHostAddress())
                    + ": " + e.getMessage() + "; pick an address with --interface");
            return ExitCodes.FINDING;
        }
        if (json) {
            Output.json(out, report);
        } else {
            print(out, report);
        }
        if (!result.ok()) {
            err.println(Output.summary(result) + " (fleet validate lists them)");
            return ExitCodes.FINDING;
        }
        return ExitCodes.OK;
    }

    private static void print(PrintWriter out, DiscoveryReport report) {
        out.println("Listened on " + report.address() + " for " + Durations.format(report.listened()) + ".");
        out.println();
        if (report.agents().isEmpty()) {
            out.println("No agent answered.");
        } else {
            Table agents = new Table("MACHINE", "FLEET", "ADDRESS", "PORT", "VERSION", "NOTE").alignRight(3);
            for (FoundAgent a : report.agents()) {
                agents.row(a.machine(), a.known() ? "known" : "unknown", a.host(), a.port(), a.version(), a.note());
            }
            agents.print(out);
        }
        out.println();
        if (report.silent().isEmpty()) {
            out.println("Every machine with an agent answered.");
        } else {
            out.println("Machines with an agent that did not answer:");
            Table silent = new Table("MACHINE", "PORT").alignRight(1);
            for (SilentMachine s : report.silent()) {
                silent.row(s.machine(), s.port());
            }
            silent.print(out);
        }
        if (!report.names().isEmpty()) {
            out.println();
            out.println("mDNS names:");
            Table names = new Table("MACHINE", "NAME", "ADDRESS");
            for (MdnsName n : report.names()) {
                names.row(n.machine(), n.name(), n.resolved() ? n.address() : "unresolved");
            }
            names.print(out);
        }
    }

    static final class TimeoutConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration timeout;
            try {
                timeout = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
            if (timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is out of range; listen for more than 0s and at most 1m");
            }
            return timeout;
        }
    }

    static final class AddressConverter implements CommandLine.ITypeConverter<InetAddress> {
        /** Literals only: a host name here would mean a DNS lookup before listening to anything. */
        private static final Pattern LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(%\\w+)?");

        @Override
        public InetAddress convert(String value) {
            InetAddress parsed;
            try {
                if (!LITERAL.matcher(value).matches()) {
                    throw new UnknownHostException();
                }
                parsed = InetAddress.getByName(value);
            } catch (UnknownHostException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not an IP address; give one of this machine's, e.g. 127.0.0.1");
            }
            if (!LocalAddresses.isLocal(parsed)) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not an address of this machine; `ip addr` (Linux) or `ifconfig` "
                                + "(macOS) lists them");
            }
            return parsed;
        }
    }
}
