package dev.homefleet.controller.clean;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real orphaned processes for tests: {@code sh -c 'PROGRAM ARGS & echo $!'} exits at once and leaves its child to
 * be adopted by pid 1 (or by a subreaper, where one is set; {@link #parent} says which). The program is a symlink
 * (to sleep, or another program) under a name of the test's own, so the command line is unique to the test. {@link #close} kills every one.
 */
final class Orphaned implements AutoCloseable {

    private final Path directory;
    private final List<Long> spawned = new ArrayList<>();

    Orphaned(Path directory) {
        this.directory = directory;
    }

    /** Starts {@code DIRECTORY/name 300}, name being sleep, as an orphan; returns its pid. */
    long spawn(String name) throws IOException, InterruptedException {
        return spawn(name, Path.of("/bin/sleep"), "300");
    }

    /** Starts {@code DIRECTORY/name ARGS...}, name being a link to {@code program}, as an orphan; returns its pid. */
    long spawn(String name, Path program, String... args) throws IOException, InterruptedException {
        Path link = directory.resolve(name);
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, program);
        }
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "\"$0\" \"$@\" </dev/null >/dev/null 2>&1 & echo $!", link.toString()));
        command.addAll(List.of(args));
        Process shell = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!shell.waitFor(10, TimeUnit.SECONDS) || !out.matches("\\d+")) {
            throw new IllegalStateException("could not start an orphan: " + out);
        }
        long pid = Long.parseLong(out);
        spawned.add(pid);
        return pid;
    }

    /** The pid that adopted {@code pid}: 1 here, unless a subreaper is set above this JVM. */
    static long parent(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                .orElseThrow(() -> new IllegalStateException("process " + pid + " has no parent"));
    }

    /** Alive and not a zombie (this machine's init may never reap what it adopts). */
    static boolean running(long pid) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    @Override
    public void close() {
        for (long pid : spawned) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
