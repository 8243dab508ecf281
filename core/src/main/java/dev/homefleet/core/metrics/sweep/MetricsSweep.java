package dev.homefleet.core.metrics.sweep;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.metrics.MachineMetrics;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A machine's metrics in one remote command, for machines without a homefleet agent. Each SSH channel costs a
 * session setup on the far side, so the sweep is a single script that runs every command and prints each one's
 * output after a {@code ==> name <==} marker (Windows: one JSON object); {@link #parse} reads it back.
 *
 * <p>Parsing is strict about what it needs and tolerant of the rest: text before the first marker, lines it does not
 * use, and a section that is missing or empty (its value becomes -1, or no disks) are fine; a line it needs that is
 * not in the expected form is an {@link IllegalArgumentException} naming the section and the line.
 */
public final class MetricsSweep {

    private MetricsSweep() {}

    /** The argv to hand to a {@link dev.homefleet.core.exec.CommandRunner} for a machine running {@code os}. */
    public static List<String> argv(Os os) {
        return switch (os) {
            case MACOS -> List.of("/bin/sh", "-c", MacSweep.SCRIPT);
            case LINUX -> List.of("/bin/sh", "-c", LinuxSweep.SCRIPT);
            case WINDOWS -> List.of("powershell.exe", "-NoProfile", "-NonInteractive", "-Command", WindowsSweep.SCRIPT);
            case IOS -> throw unsupported(os);
        };
    }

    /**
     * Reads the standard output of {@link #argv(Os)}.
     *
     * @param at when the sweep ran; becomes {@link MachineMetrics#collectedAt()}
     * @throws IllegalArgumentException when the output is not a sweep's, or a line it needs is malformed
     */
    public static MachineMetrics parse(Os os, String output, Instant at) {
        return switch (os) {
            case MACOS -> MacSweep.parse(output, at);
            case LINUX -> LinuxSweep.parse(output, at);
            case WINDOWS -> WindowsSweep.parse(output, at);
            case IOS -> throw unsupported(os);
        };
    }

    static IllegalArgumentException unsupported(Os os) {
        return new IllegalArgumentException(
                "no command sweep for " + os.name().toLowerCase(Locale.ROOT) + ": only macos, linux and windows run one");
    }
}
