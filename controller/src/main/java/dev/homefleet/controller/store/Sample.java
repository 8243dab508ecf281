package dev.homefleet.controller.store;

import dev.homefleet.core.metrics.MachineMetrics;
import java.time.Instant;

/**
 * One stored metrics reading of a machine. The percentages are columns of their own so history charts read them
 * without parsing JSON; -1 where the source could not tell.
 *
 * @param diskPercent the fullest disk's used share
 */
public record Sample(String machine, Instant at, double cpuPercent, double memoryPercent, double swapPercent,
        double diskPercent, MachineMetrics metrics) {}
