package dev.homefleet.core.metrics.sweep;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.sweep.Sections.Line;
import dev.homefleet.core.metrics.sweep.Sections.Section;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What listens on TCP on a machine, in one remote command: {@code lsof} on macOS, {@code ss} on Linux,
 * Get-NetTCPConnection on Windows. The same rules as {@link MetricsSweep}: a banner before the output is ignored, a
 * line that is not in the expected form is an {@link IllegalArgumentException} naming the line.
 *
 * <p>Which processes a non-root user may see differs: lsof shows only the user's own processes (others' sockets are
 * missing altogether); ss shows every socket but names the process only for the user's own (pid -1 otherwise);
 * Get-NetTCPConnection shows every socket with its process.
 */
public final class ListenerSweep {

    private ListenerSweep() {}

    public static List<String> argv(Os os) {
        return switch (os) {
            case MACOS -> List.of("/bin/sh", "-c", Sections.script("s lsof; " + LsofListeners.COMMAND));
            case LINUX -> List.of("/bin/sh", "-c", Sections.script("s ss; " + SsListeners.COMMAND));
            case WINDOWS -> List.of("powershell.exe", "-NoProfile", "-NonInteractive", "-Command",
                    NetTcpListeners.SCRIPT);
            case IOS -> throw MetricsSweep.unsupported(os);
        };
    }

    /** The sockets in the output of {@link #argv(Os)}, each (port, address, pid) once, in the order printed. */
    public static List<ListeningSocket> parse(Os os, String output) {
        return switch (os) {
            case MACOS -> rows(Sections.of(output, "macOS listener sweep"), "lsof", "COMMAND", LsofListeners::socket);
            case LINUX -> rows(Sections.of(output, "Linux listener sweep"), "ss", "State", SsListeners::socket);
            case WINDOWS -> NetTcpListeners.parse(output);
            case IOS -> throw MetricsSweep.unsupported(os);
        };
    }

    /** One socket a line of the section, the header line skipped; a repeated socket (a shared descriptor) once. */
    private static List<ListeningSocket> rows(Sections sections, String name, String header,
            BiFunction<Section, Line, ListeningSocket> row) {
        Set<ListeningSocket> sockets = new LinkedHashSet<>();
        sections.get(name).ifPresent(section -> section.lines().stream()
                .filter(line -> !line.text().startsWith(header))
                .forEach(line -> sockets.add(row.apply(section, line))));
        return List.copyOf(sockets);
    }
}
