package dev.homefleet.controller.cli;

import dev.homefleet.controller.ssh.HostKeyCheck;
import dev.homefleet.controller.ssh.HostKeyTrust;
import dev.homefleet.controller.ssh.SshClients;
import dev.homefleet.controller.ssh.SshTarget;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Suggest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.sshd.client.SshClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "trust", mixinStandardHelpOptions = true,
        description = {"Show the SSH host key a machine presents and add it to ~/.ssh/known_hosts.",
                "Compare the fingerprint with the machine's own (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub there) "
                        + "before you say yes. A key that differs from the one known_hosts has is replaced only "
                        + "with --replace.",
                "Exits 0 when the key is trusted, 1 when it was not (refused, declined, unreachable)."})
public final class SshTrustCommand implements Callable<Integer> {

    private final CliContext context;
    private final InputStream input;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Parameters(index = "0", paramLabel = "MACHINE", description = "A machine of fleet.yaml reached over ssh.")
    String machine;

    @Option(names = "--replace", description = "Replace the key known_hosts has for the machine when the server now "
            + "presents a different one (after a reinstall). Without it a changed key is refused.")
    boolean replace;

    @Option(names = {"-y", "--yes"}, description = "Trust the key without asking.")
    boolean yes;

    public SshTrustCommand(CliContext context) {
        this(context, System.in);
    }

    /** @param input where the answer to "trust it?" is read from */
    public SshTrustCommand(CliContext context, InputStream input) {
        this.context = context;
        this.input = input;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadResult result = options.load(context);
        if (!result.ok()) {
            return Output.refuse(err, result, "; fix them first");
        }
        FleetConfig config = result.config();
        MachineSpec chosen = config.machine(machine).orElseThrow(() -> new FleetCommand.UsageException(
                "no machine named '" + machine + "'" + Suggest.hint(machine, config.machines().keySet())));
        if (chosen.reach().ssh() == null) {
            throw new FleetCommand.UsageException(machine + " is not reached over ssh (reach.via: "
                    + chosen.reach().via().name().toLowerCase(Locale.ROOT) + "); it has no host key to trust");
        }
        SshTarget target;
        try {
            target = SshTarget.resolve(chosen, context.home(), localUser());
        } catch (IOException e) {
            err.println("fleet: " + e.getMessage());
            return ExitCodes.FINDING;
        }
        SshClient client = SshClients.create();
        try {
            HostKeyTrust trust = new HostKeyTrust(client);
            HostKeyCheck check;
            try {
                check = trust.fetch(target);
            } catch (IOException e) {
                err.println("fleet: " + e.getMessage());
                return ExitCodes.FINDING;
            }
            out.println(check.summary());
            switch (check.status()) {
                case TRUSTED:
                    out.println("It is already trusted in " + target.knownHosts() + "; nothing to do.");
                    return ExitCodes.OK;
                case REVOKED:
                    err.println("fleet: " + check.refusal());
                    return ExitCodes.FINDING;
                case CHANGED:
                    if (!replace) {
                        err.println("fleet: " + check.refusal());
                        return ExitCodes.FINDING;
                    }
                    out.println("WARNING: known_hosts has a different key for " + target.hostId() + ": "
                            + check.conflicting() + ". It will be replaced.");
                    break;
                case UNKNOWN:
                default:
                    break;
            }
            if (!yes && !confirm(out)) {
                err.println("fleet: not trusted; nothing was written");
                return ExitCodes.FINDING;
            }
            HostKeyTrust.Outcome outcome;
            try {
                outcome = trust.trust(check, replace);
            } catch (IOException e) {
                err.println("fleet: " + e.getMessage());
                return ExitCodes.FINDING;
            }
            out.println(switch (outcome) {
                case ADDED -> "Added to " + target.knownHosts() + ".";
                case REPLACED -> "Replaced in " + target.knownHosts() + ".";
                case ALREADY_TRUSTED -> "It is already trusted in " + target.knownHosts() + ".";
            });
            return ExitCodes.OK;
        } finally {
            client.stop();
        }
    }

    private boolean confirm(PrintWriter out) throws IOException {
        out.print("Trust this key for " + machine + "? [y/N] ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8)).readLine();
        if (answer == null) {
            out.println();
            return false;
        }
        String a = answer.trim().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }

    private String localUser() {
        String user = context.environment().get("USER");
        if (user == null || user.isBlank()) {
            user = context.environment().get("LOGNAME");
        }
        if (user == null || user.isBlank()) {
            user = context.home().getFileName() == null ? "root" : context.home().getFileName().toString();
        }
        return user;
    }
}
