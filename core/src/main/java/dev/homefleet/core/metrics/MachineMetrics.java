package dev.homefleet.core.metrics;

import java.time.Instant;
import java.util.List;

/**
 * One reading of a machine's resources, however it was taken (the agent's OSHI, or parsed command output over SSH).
 * Sizes are bytes; a value a source cannot give is -1.
 *
 * @param cpuPercent busy share of all cores, 0-100
 * @param load1      one-minute load average; -1 where the OS has none (Windows)
 */
public record MachineMetrics(
        Instant collectedAt,
        double cpuPercent,
        double load1,
        long memoryUsed,
        long memoryTotal,
        long swapUsed,
        long swapTotal,
        List<DiskUsage> disks,
        int processes,
        long uptimeSeconds) {

    public MachineMetrics {
        disks = List.copyOf(disks);
    }

    /** Used share in percent, or -1 when the total is unknown or zero. */
    public static double percent(long used, long total) {
        return total <= 0 || used < 0 ? -1 : 100.0 * used / total;
    }

    public double memoryPercent() {
        return percent(memoryUsed, memoryTotal);
    }

    public double swapPercent() {
        return percent(swapUsed, swapTotal);
    }

    /** One mounted file system. */
    public record DiskUsage(String mount, long used, long total) {
        public double percent() {
            return MachineMetrics.percent(used, total);
        }
    }
}
