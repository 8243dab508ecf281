package dev.homefleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A Linux process's resident memory and CPU time, from /proc. */
final class ProcStats {

    private static final long DEFAULT_CLOCK_TICKS = 100;

    private final long pid;
    private final long ticksPerSecond;

    ProcStats(long pid) throws IOException, InterruptedException {
        this.pid = pid;
        this.ticksPerSecond = clockTicks();
    }

    /** VmRSS (resident now) or VmHWM (resident at its peak) of /proc/PID/status, in KiB. */
    long statusKib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
            }
        }
        throw new IOException("/proc/" + pid + "/status has no " + field + " line");
    }

    /** utime + stime of /proc/PID/stat, in seconds: the CPU time the process used so far. */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' are plain.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / (double) ticksPerSecond;
    }

    /** The CPU time used between two readings as a percentage of one core over {@code wallNanos}. */
    static double percentOfOneCore(double cpuSecondsBefore, double cpuSecondsAfter, long wallNanos) {
        return 100.0 * (cpuSecondsAfter - cpuSecondsBefore) / (wallNanos / 1e9);
    }

    private static long clockTicks() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        if (!getconf.waitFor(5, TimeUnit.SECONDS)) {
            getconf.destroyForcibly();
            return DEFAULT_CLOCK_TICKS;
        }
        String out = new String(getconf.getInputStream().readAllBytes()).strip();
        return out.matches("\\d+") ? Long.parseLong(out) : DEFAULT_CLOCK_TICKS;
    }
}
