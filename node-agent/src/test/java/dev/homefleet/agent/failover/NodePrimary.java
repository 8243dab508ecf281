package dev.homefleet.agent.failover;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP primary: node answering "ok" on 127.0.0.1, in a process of its own that a test kills with SIGKILL or
 * freezes with SIGSTOP (a hung machine: the kernel still accepts connections, nobody answers). {@link #close()}
 * thaws it before killing it.
 */
final class NodePrimary implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final int port;
    private final Process process;
    private boolean stopped;

    private NodePrimary(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** Starts it and waits until it answers 200. */
    static NodePrimary start(int port) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of("node", "-e",
                "require('http').createServer((q,r)=>r.end('ok')).listen(" + port + ",'127.0.0.1')"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        NodePrimary primary = new NodePrimary(port, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("node exited with " + process.exitValue() + " before answering on " + port);
            }
            try {
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                        .timeout(Duration.ofSeconds(1)).build();
                if (HTTP.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return primary;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(50);
        }
        primary.close();
        throw new IOException("node did not answer on 127.0.0.1:" + port + " within 15 s");
    }

    int port() {
        return port;
    }

    /** kill -9, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stays, its socket accepts connections, nothing answers. */
    void freeze() throws IOException, InterruptedException {
        signal("-STOP");
        stopped = true;
    }

    void thaw() throws IOException, InterruptedException {
        signal("-CONT");
        stopped = false;
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (stopped && process.isAlive()) {
                thaw();
            }
            kill();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
