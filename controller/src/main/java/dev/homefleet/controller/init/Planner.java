package dev.homefleet.controller.init;

import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.launchd.render.HomefleetAgents;
import dev.homefleet.pm2.Pm2Process;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Decides what a {@link Survey} becomes in the starter file. Each listener is given to whoever started it: a pm2
 * app or a launchd job (its own pid or a parent's), else it is written commented out for the user to decide, as
 * homefleet has no manager that could restart it. Left out, and said so: ephemeral ports (the OS hands them to
 * whoever asks for any port, so they change at the next start), system daemons that listen on loopback only,
 * macOS's own launchd jobs, and homefleet itself.
 */
final class Planner {

    /** The first ephemeral port: Linux's default ip_local_port_range, and IANA's (macOS, Windows). */
    static final int LINUX_EPHEMERAL = 32768;
    static final int IANA_EPHEMERAL = 49152;

    static final String SKIP_EPHEMERAL = "ephemeral ports (%d and up on %s: the OS hands them out to programs "
            + "that ask for any port, so they change from one start to the next)";
    static final String SKIP_SYSTEM = "system daemons listening on loopback only";
    static final String SKIP_APPLE = "macOS's own launchd jobs (com.apple.*)";
    static final String SKIP_HOMEFLEET = "homefleet itself (the controller is configured above)";
    static final String SKIP_CONTROLLER_PORT = "the controller's port (controller.port above); if this is not "
            + "homefleet, give the controller another port";
    static final String SKIP_NOT_MACOS = "LaunchAgents in ~/Library/LaunchAgents (launchd runs only on macOS; this "
            + "machine runs %s)";
    static final String SKIP_UNREADABLE = "LaunchAgents that could not be read";

    /** Ports where an HTTP server is likely; the check stays tcp (a guess is not a check), with a hint. */
    private static final Set<Integer> WEB_PORTS = Set.of(80, 443, 3000, 3001, 4000, 4200, 5000, 5173, 8000, 8008,
            8080, 8081, 8443, 8888, 9000, 9090);
    private static final List<String> SYSTEM_DIRS = List.of("/System/", "/usr/libexec/", "/usr/sbin/", "/sbin/",
            "/usr/lib/systemd/", "/lib/systemd/");
    private static final Pattern HOMEFLEET_JAR = Pattern.compile("(.*/)?homefleet[^/]*\\.jar");
    private static final Set<String> HOMEFLEET_LABELS = Arrays.stream(HomefleetAgents.Daemon.values())
            .map(HomefleetAgents.Daemon::label).collect(Collectors.toSet());
    private static final int DESCRIPTION_LIMIT = 120;

    /** The sockets of one process on one port: a server often listens on 0.0.0.0 and :: both. */
    record Listener(int port, int pid, String process, List<String> addresses) {
        String shown() {
            String who = process.isEmpty() ? "a process of another user" : process + (pid > 0 ? " (pid " + pid + ")"
                    : "");
            return port + " " + who + " on " + String.join(", ", addresses);
        }
    }

    /** Where a listener is bound: the word fleet.yaml writes, the address it stands for, the host a check dials. */
    record Bind(String word, String address, String checkHost) {}

    private record Declared(int port, String address, String service) {}

    private final Survey survey;
    private final HostFacts host;
    private final int controllerPort;
    private final Map<String, List<String>> skipped = new LinkedHashMap<>();
    private final List<Declared> declared = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private Planner(Survey survey, int controllerPort) {
        this.survey = survey;
        this.host = survey.host();
        this.controllerPort = controllerPort;
    }

    static StarterPlan plan(Survey survey, int controllerPort) {
        return new Planner(survey, controllerPort).plan();
    }

    static int ephemeralFloor(Os os) {
        return os == Os.LINUX ? LINUX_EPHEMERAL : IANA_EPHEMERAL;
    }

    private StarterPlan plan() {
        Map<String, List<Listener>> owned = new LinkedHashMap<>();
        for (Listener listener : listeners(survey.sockets())) {
            classify(listener).ifPresent(owner -> owned.computeIfAbsent(owner, k -> new ArrayList<>()).add(listener));
        }
        List<PlannedService> services = new ArrayList<>();
        Set<String> agentLabels = new HashSet<>();
        for (LaunchAgent agent : survey.agents()) {
            launchAgent(agent, owned).ifPresent(services::add);
            Optional.ofNullable(agent.job()).ifPresent(job -> agentLabels.add(job.label()));
        }
        owned.forEach((owner, listeners) -> {
            if (owner.startsWith("launchd:") && !agentLabels.contains(owner.substring("launchd:".length()))) {
                String label = owner.substring("launchd:".length());
                services.add(service(Names.fromLabel(label), "launchd job " + label,
                        managerOf("launchd", "label", label), listeners, Map.of("manager", true),
                        List.of("its plist is not in ~/Library/LaunchAgents; add plist: PATH if you know it"), true));
            }
        });
        for (Pm2Process app : survey.pm2Apps()) {
            services.add(pm2App(app, owned.getOrDefault("pm2:" + app.name(), List.of())));
        }
        List<PlannedService> review = new ArrayList<>();
        owned.forEach((owner, listeners) -> {
            if (owner.startsWith("pid:") || owner.startsWith("port:")) {
                review.add(unmanaged(listeners));
            }
        });
        return new StarterPlan(host, controllerPort, services, review, skipped, survey.notes());
    }

    /** Sockets grouped by (pid, port), in port order; a pid-less socket is a group of its own port. */
    static List<Listener> listeners(List<ListeningSocket> sockets) {
        Map<String, Listener> groups = new LinkedHashMap<>();
        for (ListeningSocket socket : sockets) {
            String key = socket.pid() + ":" + socket.port();
            Listener group = groups.computeIfAbsent(key,
                    k -> new Listener(socket.port(), socket.pid(), socket.process(), new ArrayList<>()));
            if (!group.addresses().contains(socket.address())) {
                group.addresses().add(socket.address());
            }
        }
        return groups.values().stream().sorted(Comparator.comparingInt(Listener::port).thenComparingInt(Listener::pid))
                .map(l -> new Listener(l.port(), l.pid(), l.process(), List.copyOf(l.addresses()))).toList();
    }

    /**
     * Who the listener belongs to: {@code pm2:NAME}, {@code launchd:LABEL}, else {@code pid:N} or {@code port:N}
     * (nobody homefleet drives); empty when it is left out.
     */
    private Optional<String> classify(Listener listener) {
        Os os = host.os();
        if (listener.port() >= ephemeralFloor(os)) {
            return skip(String.format(SKIP_EPHEMERAL, ephemeralFloor(os), osWord(os)), listener.shown());
        }
        List<String> argv = survey.commandLines().getOrDefault(listener.pid(), List.of());
        if (argv.stream().anyMatch(a -> HOMEFLEET_JAR.matcher(a).matches())) {
            return skip(SKIP_HOMEFLEET, listener.shown());
        }
        if (listener.port() == controllerPort) {
            return skip(SKIP_CONTROLLER_PORT, listener.shown());
        }
        Optional<String> owner = owner(listener);
        if (owner.isPresent() && owner.get().startsWith("launchd:com.apple.")) {
            return skip(SKIP_APPLE, listener.shown() + " (" + owner.get().substring("launchd:".length()) + ")");
        }
        boolean loopbackOnly = listener.addresses().stream().allMatch(Binds::isLoopback);
        boolean system = listener.pid() < 0
                || (!argv.isEmpty() && SYSTEM_DIRS.stream().anyMatch(argv.get(0)::startsWith));
        if (owner.isEmpty() && loopbackOnly && system) {
            return skip(SKIP_SYSTEM, listener.shown());
        }
        return owner.or(() -> Optional.of(listener.pid() > 0 ? "pid:" + listener.pid() : "port:" + listener.port()));
    }

    /** The pm2 app or launchd job whose process is the listener's, or one of its parents. */
    private Optional<String> owner(Listener listener) {
        if (listener.pid() <= 0) {
            return Optional.empty();
        }
        Set<Long> chain = survey.processes().chain(listener.pid(), 1);
        for (Pm2Process app : survey.pm2Apps()) {
            if (app.pid() > 0 && chain.contains((long) app.pid())) {
                return Optional.of("pm2:" + app.name());
            }
        }
        for (Map.Entry<String, Integer> job : survey.launchdPids().entrySet()) {
            if (chain.contains(job.getValue().longValue())) {
                return Optional.of("launchd:" + job.getKey());
            }
        }
        if (survey.pm2Daemon() > 0 && chain.contains((long) survey.pm2Daemon())) {
            // cluster mode: pm2's daemon holds the socket; the app is the one whose PORT it is
            String port = String.valueOf(listener.port());
            return survey.pm2Apps().stream().filter(app -> port.equals(app.env().get("PORT"))).findFirst()
                    .map(app -> "pm2:" + app.name());
        }
        return Optional.empty();
    }

    private Optional<PlannedService> launchAgent(LaunchAgent agent, Map<String, List<Listener>> owned) {
        if (agent.job() == null) {
            skip(SKIP_UNREADABLE, agent.file() + ": " + agent.problem());
            return Optional.empty();
        }
        LaunchdJob job = agent.job();
        if (HOMEFLEET_LABELS.contains(job.label())) {
            skip(SKIP_HOMEFLEET, "LaunchAgent " + job.label() + " (" + agent.file() + ")");
            return Optional.empty();
        }
        if (host.os() != Os.MACOS) {
            skip(String.format(SKIP_NOT_MACOS, osWord(host.os())), job.label() + " (" + agent.file() + ")");
            return Optional.empty();
        }
        Map<String, Object> manager = managerOf("launchd", "label", job.label());
        manager.put("plist", agent.file());
        manager.put("domain", "gui");
        List<String> comments = new ArrayList<>();
        Map<String, Object> check = Map.of("manager", true);
        if (agent.periodic()) {
            check = Map.of();
            comments.add("launchd starts it on a timer" + (job.startInterval() != null ? " (every "
                    + job.startInterval() + " s)" : "") + ", so it is not meant to stay up: no check; a check-in "
                    + "(checkins: in docs/fleet-yaml.md) can tell when it stops reporting");
        }
        String program = program(job);
        String description = "LaunchAgent " + job.label() + (program.isEmpty() ? "" : ": " + program);
        return Optional.of(service(Names.fromLabel(job.label()), description, manager,
                owned.getOrDefault("launchd:" + job.label(), List.of()), check, comments, true));
    }

    private PlannedService pm2App(Pm2Process app, List<Listener> listeners) {
        List<String> comments = new ArrayList<>();
        Pm2Process.Launch launch = app.launch();
        Map<String, Object> manager = managerOf("pm2", "name", app.name());
        if (launch.script() != null) {
            manager.put("script", launch.script());
            if (!launch.args().isEmpty()) {
                manager.put("args", Redaction.argv(launch.args()));
            }
            if (launch.cwd() != null) {
                manager.put("cwd", launch.cwd());
            }
            if (launch.interpreter() != null && !launch.interpreter().equals("node")) {
                manager.put("interpreter", launch.interpreter());
            }
            comments.add("script, args and cwd as pm2 runs it now; add the env it needs (PORT comes from port) for "
                    + "fleet pm2 ecosystem to write its entry");
        } else {
            comments.add("add script, cwd and env (PORT comes from port) for fleet pm2 ecosystem to write its entry");
        }
        String port = app.env().get("PORT");
        if (listeners.isEmpty() && port != null) {
            comments.add("its env has PORT=" + port + ", but nothing of it listened when fleet init looked (pm2 "
                    + "status: " + app.status() + "); add port: " + port + " once it runs");
        }
        return service(Names.sanitize(app.name(), "pm2-app"), "pm2 app " + app.name(),
                manager, listeners, Map.of("manager", true), comments, true);
    }

    private PlannedService unmanaged(List<Listener> listeners) {
        Listener first = listeners.get(0);
        List<String> argv = Redaction.argv(survey.commandLines().getOrDefault(first.pid(), List.of()));
        List<String> comments = new ArrayList<>();
        Map<String, Object> manager = managerOf("process", "command", argv.isEmpty() ? List.of("PROGRAM") : argv);
        if (argv.isEmpty()) {
            comments.add(first.pid() < 0 ? "its owner is hidden, a process of another user: sudo ss -ltnp or "
                    + "sudo lsof -iTCP -sTCP:LISTEN shows it" : "its command line could not be read");
        }
        String who = first.process().isEmpty() ? "port " + first.port() : first.process()
                + (first.pid() > 0 ? " (pid " + first.pid() + ")" : "");
        String base = Names.sanitize(first.process(), "port") + "-" + first.port();
        return service(base, who + " listening on " + String.join(", ", first.addresses()), manager, listeners,
                Map.of(), comments, false);
    }

    /**
     * The service with the first listener's port, bind and a tcp check. A port already declared by a service
     * above (overlapping bind) is left to that one: two services cannot declare one port.
     */
    private PlannedService service(String base, String description, Map<String, Object> manager,
            List<Listener> listeners, Map<String, Object> withoutPort, List<String> notes, boolean live) {
        String name = Names.unique(base, names);
        names.add(name);
        List<String> comments = new ArrayList<>(notes);
        Integer port = null;
        String bind = null;
        Map<String, Object> check = withoutPort;
        if (!listeners.isEmpty()) {
            Listener first = listeners.get(0);
            Bind b = bind(first.addresses(), host);
            Optional<Declared> taken = declared.stream()
                    .filter(d -> d.port() == first.port() && Binds.overlap(d.address(), b.address())).findFirst();
            if (taken.isPresent()) {
                comments.add("it listens on " + first.port() + " too, which " + taken.get().service() + " above "
                        + "declares; two services cannot declare one port, so this one has none: find out which "
                        + "of the two it is");
            } else {
                port = first.port();
                bind = b.word();
                check = Map.of("tcp", b.checkHost() + ":" + port);
                if (live) {
                    declared.add(new Declared(port, b.address(), name));
                }
                if (WEB_PORTS.contains(port)) {
                    comments.add("if it serves HTTP, an http check tells more than tcp: http: http://"
                            + b.checkHost() + ":" + port + "/");
                }
            }
            for (Listener other : listeners.subList(1, listeners.size())) {
                comments.add("also listens on " + other.port() + " (" + String.join(", ", other.addresses()) + ")");
            }
        }
        return new PlannedService(name, shorten(description), manager, port, bind, check, comments);
    }

    static Bind bind(List<String> addresses, HostFacts host) {
        if (addresses.stream().anyMatch(Binds::isWildcard)) {
            return new Bind("all", Binds.ALL, Binds.LOOPBACK);
        }
        List<String> outside = addresses.stream().filter(a -> !Binds.isLoopback(a)).toList();
        String address = outside.isEmpty() ? (addresses.contains(Binds.LOOPBACK) ? Binds.LOOPBACK : addresses.get(0))
                : outside.get(0);
        String checkHost = address.contains(":") ? "[" + address + "]" : address;
        String word = address.equals(Binds.LOOPBACK) ? "loopback" : address.equals(host.lan()) ? "lan"
                : address.equals(host.tailscale()) ? "tailscale" : address;
        return new Bind(word, address, checkHost);
    }

    private static String program(LaunchdJob job) {
        List<String> argv = job.programArguments();
        if (argv.isEmpty() && job.otherKeys().get("Program") != null) {
            argv = List.of(job.otherKeys().get("Program").toJavaObject().toString());
        }
        return String.join(" ", Redaction.argv(argv));
    }

    private static Map<String, Object> managerOf(String type, String key, Object value) {
        Map<String, Object> manager = new LinkedHashMap<>();
        manager.put("type", type);
        manager.put(key, value);
        return manager;
    }

    private Optional<String> skip(String why, String what) {
        skipped.computeIfAbsent(why, k -> new ArrayList<>()).add(what);
        return Optional.empty();
    }

    private static String shorten(String text) {
        String line = YamlText.comment(text);
        return line.length() <= DESCRIPTION_LIMIT ? line : line.substring(0, DESCRIPTION_LIMIT - 3) + "...";
    }

    private static String osWord(Os os) {
        return switch (os) {
            case MACOS -> "macOS";
            case LINUX -> "Linux";
            case WINDOWS -> "Windows";
            case IOS -> "iOS";
        };
    }
}
