package dev.homefleet.controller.clean;

import dev.homefleet.controller.clean.ProcessTable.Listing;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.ports.PortEntry;
import dev.homefleet.core.ports.PortRegistry;
import dev.homefleet.core.ports.RangeUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compares what listens on a machine with the port registry: an undeclared listener inside a reserved range or on a
 * watched port, and a declared port held by some other program. The registry (the same one {@code fleet ports}
 * prints) says what is declared; this adds only the live side.
 *
 * <p>Whose a socket is, is judged by command lines: the listener's own or one of its parents' (a dev server is
 * often the child of {@code npm start}) must hold the service's program as a word or as a path's last segment.
 * Without a command line (another user's process), the process name must match the declared program's file name;
 * with neither, nothing is said.
 */
final class PortCheck {

    /**
     * Programs that run the program that matters: the word after them identifies a service better. Not npm and
     * the like: what follows them is a subcommand ({@code start}, {@code run dev}), which identifies nothing.
     */
    static final Set<String> INTERPRETERS = Set.of("node", "nodejs", "bun", "deno", "python", "python3", "ruby",
            "perl", "php", "java", "sh", "bash", "zsh", "env");

    private PortCheck() {}

    static List<Finding> check(String machine, MachineSpec spec, PortRegistry registry, List<Integer> watchPorts,
            List<ListeningSocket> listeners, Listing processes, long orphanParent) {
        Map<Integer, List<PortEntry>> declared = new LinkedHashMap<>();
        for (PortEntry entry : registry.entries(machine)) {
            if (!Binds.NONE.equals(entry.bind())) {
                declared.computeIfAbsent(entry.port(), port -> new ArrayList<>()).add(entry);
            }
        }
        List<RangeUsage> ranges = registry.ranges(Optional.of(machine));
        Map<String, Finding> found = new LinkedHashMap<>();
        for (ListeningSocket socket : listeners) {
            List<PortEntry> owners = declared.get(socket.port());
            if (owners == null) {
                undeclared(machine, socket, ranges, watchPorts).ifPresent(
                        f -> found.putIfAbsent(f.kind() + ":" + f.port() + ":" + f.pid(), f));
                continue;
            }
            for (PortEntry owner : owners) {
                ServiceSpec service = spec.services().get(owner.service());
                if (service == null) {
                    continue; // the controller's or the agent's own port
                }
                wrongProcess(machine, socket, service, processes, orphanParent).ifPresent(
                        f -> found.putIfAbsent(f.kind() + ":" + f.port() + ":" + f.pid(), f));
            }
        }
        return List.copyOf(found.values());
    }

    private static Optional<Finding> undeclared(String machine, ListeningSocket socket, List<RangeUsage> ranges,
            List<Integer> watchPorts) {
        int port = socket.port();
        String who = holder(socket);
        for (RangeUsage range : ranges) {
            if (port >= range.from() && port <= range.to()) {
                return Optional.of(new Finding(Finding.Kind.UNDECLARED_IN_RANGE, machine, port, socket.address(),
                        socket.pid(), socket.process(), null, range.project(), who + " listens on " + machine + ":"
                        + port + " (" + socket.address() + "), inside the range " + range.from() + "-" + range.to()
                        + " reserved for " + range.project() + ", and no service declares that port; declare it in"
                        + " fleet.yaml or stop it"));
            }
        }
        if (watchPorts.contains(port)) {
            return Optional.of(new Finding(Finding.Kind.UNDECLARED_WATCHED, machine, port, socket.address(),
                    socket.pid(), socket.process(), null, null, who + " listens on watched port " + machine + ":"
                    + port + " (" + socket.address() + ") and no service declares it; declare it in fleet.yaml or"
                    + " stop it"));
        }
        return Optional.empty();
    }

    private static Optional<Finding> wrongProcess(String machine, ListeningSocket socket, ServiceSpec service,
            Listing processes, long orphanParent) {
        Optional<Boolean> matches = holds(socket, service, processes, orphanParent);
        if (matches.isEmpty() || matches.get()) {
            return Optional.empty();
        }
        String expected = word(service.manager()).or(() -> program(service.manager())).orElse("?");
        return Optional.of(new Finding(Finding.Kind.WRONG_PROCESS, machine, socket.port(), socket.address(),
                socket.pid(), socket.process(), service.name(), service.project(), "port " + socket.port() + " on "
                + machine + " belongs to " + service.name() + " (" + expected + ") but " + holder(socket)
                + " holds it; stop that process so " + service.name() + " can have its port"));
    }

    /** Whether the socket is the service's; empty when that cannot be told. */
    static Optional<Boolean> holds(ListeningSocket socket, ServiceSpec service, Listing processes,
            long orphanParent) {
        Optional<String> word = word(service.manager());
        if (socket.pid() > 0 && word.isPresent() && processes.process(socket.pid()).isPresent()) {
            // A whole word or the last segment of a path: "bot" is not in "/tmp/port-bot".
            Pattern whole = Pattern.compile("(?:^|[\\s/])" + Pattern.quote(word.get()) + "(?:$|\\s)");
            boolean found = processes.chain(socket.pid(), orphanParent).stream()
                    .flatMap(pid -> processes.process(pid).stream())
                    .anyMatch(p -> whole.matcher(p.command()).find());
            return Optional.of(found);
        }
        Optional<String> program = program(service.manager());
        String name = socket.process() == null ? "" : socket.process();
        if (program.isPresent() && !name.isEmpty()) {
            // ss shows at most 15 characters of a name; either may be the other's beginning.
            return Optional.of(program.get().startsWith(name) || name.startsWith(program.get()));
        }
        return Optional.empty();
    }

    /**
     * The word in a command line that identifies the service: the file name of the first argument that is neither
     * an option nor an interpreter ({@code index.js} of {@code node ~/x/index.js gateway}), else the program's.
     */
    static Optional<String> word(ManagerSpec manager) {
        List<String> argv = argv(manager);
        return argv.stream()
                .filter(arg -> !arg.startsWith("-") && !INTERPRETERS.contains(fileName(arg)))
                .findFirst()
                .or(() -> argv.stream().findFirst())
                .map(PortCheck::fileName)
                .filter(name -> !name.isBlank());
    }

    /** The file name the service's process has, when fleet.yaml says what it runs directly. */
    static Optional<String> program(ManagerSpec manager) {
        return switch (manager.type()) {
            case LAUNCHD, PROCESS, CRON -> manager.command().stream().findFirst().map(PortCheck::fileName);
            case PM2 -> Optional.ofNullable(manager.interpreter()).map(PortCheck::fileName);
            case WINDOWS -> Optional.empty();
        };
    }

    /** What the service's manager runs, as fleet.yaml writes it; empty when it does not say. */
    static List<String> argv(ManagerSpec manager) {
        return switch (manager.type()) {
            case LAUNCHD, PROCESS, CRON -> manager.command();
            case PM2 -> {
                if (manager.script() == null) {
                    yield List.of();
                }
                List<String> argv = new ArrayList<>();
                argv.add(manager.script());
                argv.addAll(manager.args());
                yield argv;
            }
            case WINDOWS -> List.of();
        };
    }

    private static String fileName(String path) {
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    private static String holder(ListeningSocket socket) {
        String name = socket.process() == null || socket.process().isEmpty() ? "a process" : socket.process();
        return socket.pid() > 0 ? name + " (pid " + socket.pid() + ")" : name;
    }
}
