package dev.homefleet.controller.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real things on 127.0.0.1 for the end-to-end tests: free ports, a node HTTP server that listens on $PORT, signals
 * to processes, the JVM to start agents and controllers with, and the processes left behind by a marker.
 */
public final class Loopback {
    public static final String HOST = "127.0.0.1";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Loopback() {}

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A one-line node HTTP server answering "ok" on 127.0.0.1:$PORT, as a YAML flow list; {@code marker} is in its
     * command line so {@link #pids} finds what a test left behind.
     */
    static String nodeServerYaml(String marker) {
        return "[node, -e, \"/*" + marker + "*/ require('http').createServer((q, r) => r.end('ok'))"
                + ".listen(+process.env.PORT, '127.0.0.1')\"]";
    }

    /** Whether something accepts a TCP connection on 127.0.0.1:{@code port} now. */
    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The body of GET http://127.0.0.1:port/, empty when nothing answers. */
    static Optional<String> get(int port) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port
                    + "/")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return Optional.of(response.body());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code kill -SIGNAL pid}; false when there is no such process any more. */
    static boolean signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true)
                    .start();
            kill.getInputStream().readAllBytes();
            return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The processes whose command line contains {@code marker} ({@code pgrep -f}), this JVM's own aside. */
    public static List<Long> pids(String marker) {
        try {
            Process pgrep = new ProcessBuilder("pgrep", "-f", marker).redirectErrorStream(true).start();
            String out = new String(pgrep.getInputStream().readAllBytes());
            pgrep.waitFor(5, TimeUnit.SECONDS);
            long self = ProcessHandle.current().pid();
            return out.lines().map(String::strip).filter(l -> l.matches("\\d+")).map(Long::parseLong)
                    .filter(pid -> pid != self && pid != pgrep.pid()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** SIGCONT then SIGKILL to every process with {@code marker}; returns how many there were. */
    static int killAll(String marker) {
        List<Long> left = pids(marker);
        for (long pid : left) {
            signal(pid, "CONT");
            signal(pid, "KILL");
        }
        return left.size();
    }

    /** {@code java -cp <the tests' class path> -Duser.home=HOME MAIN ARGS...} with HOME set to {@code home}. */
    static ProcessBuilder java(Path home, String main, List<String> args) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xmx128m",
                "-Duser.home=" + home, "-cp", classPath(), main));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("HOMEFLEET_CONFIG");
        return builder;
    }

    /** Surefire may hide the real class path behind a manifest-only jar; that jar works for a child JVM too. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
