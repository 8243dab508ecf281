package dev.homefleet.core.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Stops a process and everything it started. Killing only the direct child would leave its children running,
 * holding the output pipes open and the resources they took.
 */
final class ProcessTree {

    private static final long POLL_MILLIS = 10;

    private ProcessTree() {}

    /**
     * Asks the whole tree to stop (SIGTERM on Unix), waits up to {@code grace}, then kills what is left, including
     * anything spawned meanwhile, and waits up to {@code grace} again.
     *
     * @return how many processes were in the tree, the root included
     */
    static int destroy(ProcessHandle root, Duration grace) throws InterruptedException {
        Set<ProcessHandle> tree = snapshot(List.of(root));
        tree.forEach(ProcessHandle::destroy);
        awaitGone(tree, grace);

        Set<ProcessHandle> survivors = snapshot(tree.stream().filter(ProcessTree::isRunning).toList());
        survivors.forEach(ProcessHandle::destroyForcibly);
        awaitGone(survivors, grace);

        tree.addAll(survivors);
        return tree.size();
    }

    /** Kills the whole tree at once without waiting: for when the caller must return now. */
    static void kill(ProcessHandle root) {
        snapshot(List.of(root)).forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Whether the process still runs. A zombie, dead but not yet reaped by its parent (or by an init that never
     * reaps, as in some containers), counts as gone although {@link ProcessHandle#isAlive()} says alive.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        try {
            String line = Files.readString(stat);
            // Format: "pid (comm) S ..."; comm may hold spaces and parentheses, so the state follows the last ')'.
            int close = line.lastIndexOf(')');
            return close < 0 || close + 2 >= line.length() || line.charAt(close + 2) != 'Z';
        } catch (IOException noProcFs) {
            return process.isAlive();
        }
    }

    private static Set<ProcessHandle> snapshot(List<ProcessHandle> roots) {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        for (ProcessHandle root : roots) {
            tree.add(root);
            root.descendants().forEach(tree::add);
        }
        return tree;
    }

    private static void awaitGone(Set<ProcessHandle> processes, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        List<ProcessHandle> waiting = new ArrayList<>(processes);
        while (true) {
            waiting.removeIf(process -> !isRunning(process));
            if (waiting.isEmpty() || System.nanoTime() - deadline >= 0) {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
