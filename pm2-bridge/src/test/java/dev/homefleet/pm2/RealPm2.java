package dev.homefleet.pm2;

import static org.assertj.core.api.Assertions.fail;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real pm2 that scripts/test installs into the project ({@code .tools/pm2}), with a daemon of its own: a private
 * PM2_HOME in a short directory under /tmp (pm2's sockets live there, and a socket path has to fit in about 100
 * bytes). {@link #close()} runs {@code pm2 kill} and fails when a process of this PM2_HOME survives it.
 */
final class RealPm2 implements AutoCloseable {

    static final String INSTALL = "npm install --prefix .tools/pm2 --no-audit --no-fund pm2@7.0.4";
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    final Path home;
    final List<String> pm2;
    final LocalCommandRunner runner;

    private RealPm2(Path home, List<String> pm2, LocalCommandRunner runner) {
        this.home = home;
        this.pm2 = pm2;
        this.runner = runner;
    }

    /** The project's pm2: {@code <repo>/.tools/pm2/node_modules/.bin/pm2}, the repo being this module's parent. */
    static Path executable() {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path pm2 = module.getParent().resolve(".tools/pm2/node_modules/.bin/pm2");
        if (!Files.isExecutable(pm2)) {
            fail("the real pm2 these tests run is missing: " + pm2 + " does not exist. scripts/test installs it; "
                    + "to install it by hand, run in " + module.getParent() + ": " + INSTALL);
        }
        return pm2;
    }

    static RealPm2 start() throws IOException {
        Path pm2 = executable();
        Path home = Files.createTempDirectory(Path.of("/tmp"), "hfpm2-");
        LocalCommandRunner runner = LocalCommandRunner.builder().environment("PM2_HOME", home.toString()).build();
        return new RealPm2(home, List.of(pm2.toString()), runner);
    }

    /** A directory for the apps' files, beside PM2_HOME's own. */
    Path apps() throws IOException {
        return Files.createDirectories(home.resolve("apps"));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What ps shows of the processes that belong to this PM2_HOME: its God daemon and the apps under it. */
    List<String> survivors() throws IOException {
        CommandResult ps = new LocalCommandRunner().run(List.of("ps", "-eo", "pid=,stat=,args="), Duration.ofSeconds(10));
        return ps.stdout().lines()
                .filter(line -> line.contains(home.toString()))
                .filter(line -> !line.strip().split("\\s+")[1].startsWith("Z")) // reaped by init, not running
                .toList();
    }

    @Override
    public void close() throws Exception {
        try {
            CommandResult kill = runner.run(Stream.concat(pm2.stream(), Stream.of("kill")).toList(),
                    Duration.ofSeconds(30));
            if (!kill.ok()) {
                fail("pm2 kill failed (exit " + kill.exitCode() + "): " + kill.stderr() + kill.stdout());
            }
            long deadline = System.nanoTime() + KILL_WAIT.toNanos();
            List<String> left = survivors();
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                left = survivors();
            }
            if (!left.isEmpty()) {
                fail("processes of PM2_HOME " + home + " survived pm2 kill:\n" + String.join("\n", left));
            }
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
