package dev.homefleet.controller.heal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.process.ProcessServiceManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real services on this machine for the healer to restart: plain processes under core's
 * {@link ProcessServiceManager}, each with its state directory under a test's temporary directory, reached by
 * "machine/service" as the daemon reaches them. {@link #restart} and {@link #isUp} are the Restarter and the
 * Verifier. {@link #close} stops them all and checks no process is left.
 */
final class Services implements AutoCloseable {

    static final String MACHINE = "macmini";
    private static final Duration SETTLE = Duration.ofMillis(200);

    private final Path root;
    private final LocalCommandRunner local = new LocalCommandRunner();
    private final Map<String, ProcessServiceManager> managers = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private final List<Long> pids = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Services(Path root) {
        this.root = root;
    }

    /** An HTTP server on a free port of 127.0.0.1, not started yet. */
    ProcessServiceManager httpServer(String name) throws IOException {
        int port = freePort();
        ports.put(name, port);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes;
        try {
            classes = Path.of(TinyHttpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return add(name, ProcessServiceManager.builder(local, name, List.of(java, "-Xshare:auto", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx32m", "-cp", classes, TinyHttpServer.class.getName(),
                Integer.toString(port))));
    }

    /** A service whose command is {@code sh -c script}. */
    ProcessServiceManager shell(String name, String script) {
        return add(name, ProcessServiceManager.builder(local, name, List.of("sh", "-c", script)));
    }

    /** A service whose working directory does not exist, so its manager refuses every start. */
    ProcessServiceManager withoutWorkingDirectory(String name) {
        return add(name, ProcessServiceManager.builder(local, name, List.of("sleep", "300"))
                .cwd(root.resolve("missing-" + name).toString()));
    }

    private ProcessServiceManager add(String name, ProcessServiceManager.Builder builder) {
        ProcessServiceManager manager = builder.stateDirectory(root.resolve("run/" + name).toString())
                .settle(SETTLE).grace(Duration.ofSeconds(2)).build();
        managers.put(name, manager);
        return manager;
    }

    ProcessServiceManager manager(String name) {
        return managers.get(name);
    }

    /** The Restarter: through the service's manager, as the daemon does through node-agent's ServiceManagers. */
    void restart(String machine, String service) throws IOException {
        assertThat(machine).isEqualTo(MACHINE);
        ProcessServiceManager manager = managers.get(service);
        if (manager == null) {
            throw new IOException(machine + " has no service " + service);
        }
        manager.restart();
        remember(manager);
    }

    /** The Verifier: an HTTP GET of the service's port, 200 is up. */
    boolean isUp(String machine, String service, Duration timeout) throws InterruptedException {
        Integer port = ports.get(service);
        if (port == null) {
            return false;
        }
        return answers(port, timeout);
    }

    boolean answers(String service) throws InterruptedException {
        return answers(ports.get(service), Duration.ofSeconds(2));
    }

    private boolean answers(int port, Duration timeout) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(timeout).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException refusedOrTimedOut) {
            return false;
        }
    }

    /** The running process of the service, killed with SIGKILL as a crash would end it. */
    long kill(String service) throws IOException {
        ServiceState state = managers.get(service).status();
        assertThat(state.state()).as(state.detail()).isEqualTo(ServiceState.State.RUNNING);
        ProcessHandle process = ProcessHandle.of(state.pid()).orElseThrow();
        process.destroyForcibly();
        awaitGone(state.pid());
        return state.pid();
    }

    long pid(String service) throws IOException {
        return managers.get(service).status().pid();
    }

    private void remember(ProcessServiceManager manager) throws IOException {
        ServiceState state = manager.status();
        if (state.pid() > 0) {
            pids.add((long) state.pid());
        }
    }

    @Override
    public void close() throws IOException {
        for (ProcessServiceManager manager : managers.values()) {
            Path pidFile = Path.of(manager.stateDirectory(), "pid");
            if (Files.exists(pidFile)) {
                Files.readAllLines(pidFile).stream().limit(2).filter(line -> line.matches("\\d+"))
                        .map(Long::parseLong).forEach(pids::add);
            }
            try {
                manager.stop();
            } catch (IOException | RuntimeException ignored) {
                // the pids are killed below whatever stop did
            }
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(process -> {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            });
        }
        for (long pid : pids) {
            awaitGone(pid);
            assertThat(running(pid)).as("pid %d after the test", pid).isFalse();
        }
    }

    private static void awaitGone(long pid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (running(pid) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Alive and not a zombie, which an init that does not reap leaves behind. */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
