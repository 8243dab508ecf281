package dev.homefleet.controller.ssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers for the real programs tests start on loopback: free ports, readiness, signals, cleanup. */
final class LocalProcesses {
    private LocalProcesses() {}

    /** A port nothing listens on right now, found by binding 127.0.0.1:0 and letting go. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until 127.0.0.1:port accepts connections; false when the process died or time ran out. */
    static boolean awaitListening(Process process, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        return false;
    }

    /** {@code kill -SIGNAL pid...}. */
    static void signal(String signal, List<ProcessHandle> processes) throws IOException, InterruptedException {
        if (processes.isEmpty()) {
            return;
        }
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal));
        processes.forEach(p -> command.add(Long.toString(p.pid())));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        kill.waitFor(5, TimeUnit.SECONDS);
    }

    /** Continues whatever was stopped, then kills the process and everything it started. */
    static void killTree(Process process) throws IOException, InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        signal("CONT", descendants);
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        for (ProcessHandle p : descendants) {
            p.onExit().completeOnTimeout(p, 5, TimeUnit.SECONDS).join();
        }
    }
}
