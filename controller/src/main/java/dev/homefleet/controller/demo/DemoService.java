package dev.homefleet.controller.demo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One service of the demo fleet: a tiny HTTP server on 127.0.0.1 that answers every request with its name and role,
 * so the controller's checks and the failover watchdog are real HTTP (and TCP) checks on any machine with Java. It
 * plays gateways, dashboards and game servers alike.
 *
 * <p>The outage scenario breaks a service with a file, {@link #brokenFile}: while it exists the service crashes
 * (checked a few times a second) and every start fails at once, as a real service with a bad deploy would. Kept free
 * of the CLI's libraries (picocli, logging) so that each service JVM starts quickly and stays small.
 */
public final class DemoService {
    /** The environment variable with the service's role, set by fleet.yaml's env and the failover's set_env. */
    public static final String ROLE = "DEMO_ROLE";
    static final long WATCH_MILLIS = 250;

    private DemoService() {}

    /**
     * The file that breaks service {@code name} of the machine whose home is {@code home}.
     *
     * @param home the HOME the service runs with (each demo machine has its own)
     */
    public static Path brokenFile(Path home, String name) {
        return home.resolve(".homefleet").resolve("demo").resolve(name + ".broken");
    }

    /** {@code DemoService --name NAME --port PORT}; exits 2 on bad usage, 1 when broken or the port is taken. */
    public static void main(String[] args) throws IOException {
        String name = null;
        Integer port = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--name" -> name = args[i + 1];
                case "--port" -> port = parsePort(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }
        if (name == null || port == null || args.length % 2 != 0) {
            usage("give --name NAME and --port PORT");
        }
        String home = System.getenv("HOME");
        if (home == null || home.isBlank()) {
            usage("HOME is not set; the demo runs each machine's services with a HOME of their own");
        }
        Path broken = brokenFile(Path.of(home), name);
        if (Files.exists(broken)) {
            System.err.println(Instant.now() + " " + name + " cannot start: the demo's outage broke it (" + broken
                    + "); it starts again once that file is gone");
            System.exit(1);
        }
        String role = System.getenv().getOrDefault(ROLE, "-");
        byte[] body = ("{\"service\":\"" + json(name) + "\",\"role\":\"" + json(role) + "\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (IOException e) {
            System.err.println(name + " cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        System.out.println(Instant.now() + " " + name + " (role " + role + ") listening on 127.0.0.1:" + port);
        watch(name, broken);
    }

    /** Crashes the service, exit code 1, once its broken file appears. */
    private static void watch(String name, Path broken) {
        while (true) {
            try {
                Thread.sleep(WATCH_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (Files.exists(broken)) {
                System.err.println(Instant.now() + " " + name + " crashed: the demo's outage broke it (" + broken + ")");
                Runtime.getRuntime().halt(1);
            }
        }
    }

    private static String json(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        usage("'" + text + "' is not a port; use a number from 1 to 65535");
        return -1;
    }

    private static void usage(String problem) {
        System.err.println("DemoService: " + problem + "; usage: DemoService --name NAME --port PORT");
        System.exit(2);
    }
}
