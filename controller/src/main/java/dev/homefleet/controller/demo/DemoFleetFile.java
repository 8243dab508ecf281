package dev.homefleet.controller.demo;

import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Problem;
import dev.homefleet.core.config.ReservedRange;
import dev.homefleet.core.config.ServiceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The demo's fleet file: {@code examples/demo-fleet.yaml} as shipped, and the copy the demo runs, whose every
 * listener (controller, agents, services) has a port that is free on this machine now. All of the demo's machines
 * are this one, so each listener of the file needs a port number of its own; a port is replaced wherever the file
 * writes it (ports, check URLs, commands), except in the keys that describe ranges ({@code range},
 * {@code default_ports}, {@code watch_ports}).
 */
public final class DemoFleetFile {
    /** Where the file is, from the root of a homefleet checkout. */
    public static final Path SHIPPED = Path.of("examples", "demo-fleet.yaml");
    private static final Set<String> RANGE_KEYS = Set.of("range", "default_ports", "watch_ports");
    private static final Pattern KEY = Pattern.compile("^\\s*(?:-\\s+)?([a-z_]+):");
    private static final int PORT_ATTEMPTS = 50;

    /**
     * A fleet file the demo runs.
     *
     * @param text      the file's text
     * @param config    that text, loaded and valid
     * @param listeners every listener's port by what it is ({@code controller}, {@code macmini agent},
     *                  {@code macbook/gateway}), in file order
     */
    public record Copy(String text, FleetConfig config, Map<String, Integer> listeners) {}

    private DemoFleetFile() {}

    /**
     * The shipped file of the checkout that holds {@code codeLocation} (the jar, or the classes directory), else of
     * {@code workingDirectory}: the first of their ancestors with {@code examples/demo-fleet.yaml}.
     */
    public static Optional<Path> locate(Path codeLocation, Path workingDirectory) {
        for (Path start : new Path[] {codeLocation, workingDirectory}) {
            for (Path dir = start == null ? null : start.toAbsolutePath().normalize(); dir != null;
                    dir = dir.getParent()) {
                Path candidate = dir.resolve(SHIPPED);
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Loads {@code file} and makes the copy to run: same text, every listener's port replaced by a free one (never
     * inside a reserved range).
     *
     * @param environment where the file's {@code ${...}} references are read
     * @throws IllegalArgumentException when the file is invalid, or two listeners share a port number
     */
    public static Copy withFreePorts(Path file, Map<String, String> environment) throws IOException {
        String text = Files.readString(file);
        FleetConfig config = load(text, file.toString(), environment);
        Map<String, Integer> listeners = listeners(config);
        Map<Integer, String> byPort = new LinkedHashMap<>();
        listeners.forEach((what, port) -> {
            String other = byPort.putIfAbsent(port, what);
            if (other != null) {
                throw new IllegalArgumentException(file + ": " + other + " and " + what + " both use port " + port
                        + "; all of the demo's machines are this one, so give each listener a port of its own");
            }
        });
        Map<Integer, Integer> replacements = freePorts(byPort.keySet(), config);
        String copied = replace(text, replacements);
        FleetConfig loaded = load(copied, file.toString(), environment);
        Map<String, Integer> moved = listeners(loaded);
        listeners.forEach((what, port) -> {
            if (!replacements.get(port).equals(moved.get(what))) {
                throw new IllegalStateException("the demo could not move " + what + " from port " + port + " to "
                        + replacements.get(port) + " in " + file + "; write that port as a plain number");
            }
        });
        return new Copy(copied, loaded, moved);
    }

    /** The controller, each agent and each service with a port it listens on. */
    static Map<String, Integer> listeners(FleetConfig config) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("controller", config.controller().port());
        if (config.controller().checkinPort() != null) {
            ports.put("controller check-ins", config.controller().checkinPort());
        }
        for (MachineSpec machine : config.machines().values()) {
            if (machine.agent() != null) {
                ports.put(machine.name() + " agent", machine.agent().port());
            }
            for (ServiceSpec service : machine.services().values()) {
                if (service.port() != null && !Binds.NONE.equals(service.bind())) {
                    ports.put(machine.name() + "/" + service.name(), service.port());
                }
            }
        }
        return ports;
    }

    /** {@code text} with each port number of {@code replacements} replaced, outside the keys of ranges. */
    static String replace(String text, Map<Integer, Integer> replacements) {
        if (replacements.isEmpty()) {
            return text;
        }
        Pattern number = Pattern.compile("(?<![0-9])(" + replacements.keySet().stream().map(String::valueOf)
                .collect(Collectors.joining("|")) + ")(?![0-9])");
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("(?<=\n)", -1)) {
            Matcher key = KEY.matcher(line);
            if (key.find() && RANGE_KEYS.contains(key.group(1))) {
                out.append(line);
                continue;
            }
            out.append(number.matcher(line).replaceAll(m -> String.valueOf(
                    replacements.get(Integer.parseInt(m.group(1))))));
        }
        return out.toString();
    }

    /** A distinct port free on 127.0.0.1 for each of {@code ports}, outside every reserved range. */
    private static Map<Integer, Integer> freePorts(Set<Integer> ports, FleetConfig config) {
        List<ServerSocket> held = new ArrayList<>();
        Map<Integer, Integer> chosen = new LinkedHashMap<>();
        try {
            for (int port : ports) {
                chosen.put(port, hold(held, config));
            }
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // nothing else holds it
                }
            }
        }
        return chosen;
    }

    private static int hold(List<ServerSocket> held, FleetConfig config) {
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            ServerSocket socket;
            try {
                socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1: " + e.getMessage(), e);
            }
            held.add(socket);
            int port = socket.getLocalPort();
            boolean reserved = config.ports().reserved().values().stream()
                    .map(ReservedRange::range).anyMatch(range -> range.contains(port));
            if (!reserved) {
                return port;
            }
        }
        throw new IllegalStateException("every free port 127.0.0.1 offered was inside a reserved range of the demo's "
                + "fleet file");
    }

    private static FleetConfig load(String text, String name, Map<String, String> environment) {
        LoadResult result = new FleetConfigLoader(environment).parse(text, name);
        if (!result.ok()) {
            throw new IllegalArgumentException("the demo's fleet file is not valid:\n" + result.errors().stream()
                    .map(Problem::format).collect(Collectors.joining("\n")));
        }
        return result.config();
    }
}
