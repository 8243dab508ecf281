package dev.homefleet.controller.clean;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes of the user a {@link CommandRunner} runs as, on macOS or Linux, from one {@code ps} call. Only that
 * user's: those are the ones the cleaner can signal, and on macOS every system daemon is a child of launchd (pid 1),
 * so listing everyone's would report hundreds of "orphans" that are nothing of the kind.
 *
 * <p>The shell prints its own pid before it becomes {@code ps}; that pid and its parents are the chain that ran the
 * listing (the SSH session, or this JVM), which the cleaner must never touch. Zombies are left out: they have
 * exited already, and their new parent reaps them. Windows has no orphans in this sense (a process whose parent
 * exits is not handed to pid 1), so a Windows machine gets an empty listing with the reason.
 */
public final class ProcessTable {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    static final String MARKER = "homefleet-ps";
    /** -ww: never cut the command line to a terminal's width (BSD ps does when it thinks it has one). */
    static final String SCRIPT = "echo " + MARKER + " $$; exec ps -ww -x -U \"$(id -u)\" -o pid=,ppid=,state=,etime=,args=";

    private static final Pattern HEADER = Pattern.compile(Pattern.quote(MARKER) + " (\\d+)");
    private static final Pattern ROW = Pattern.compile("\\s*(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)(?:\\s+(.*))?");
    private static final Pattern ETIME = Pattern.compile("(?:(?:(\\d+)-)?(\\d+):)?(\\d+):(\\d+)");

    private ProcessTable() {}

    /**
     * @throws IOException when ps could not be run or printed no listing; the message says where and why
     */
    public static Listing list(CommandRunner runner, Os os) throws IOException {
        if (os == Os.WINDOWS || os == Os.IOS) {
            return Listing.unsupported(os == Os.WINDOWS
                    ? "Windows does not hand a process whose parent exits to pid 1, so there are no orphans to find"
                    : "processes on iOS cannot be listed");
        }
        CommandResult result = runner.run(argv(), TIMEOUT);
        if (result.timedOut()) {
            throw new IOException("ps did not finish within " + TIMEOUT.toSeconds() + " s on " + runner.describe());
        }
        if (result.exitCode() != 0) {
            throw new IOException("ps failed on " + runner.describe() + " (exit " + result.exitCode() + "): "
                    + firstLine(result.stderr()));
        }
        return parse(result.stdout());
    }

    static List<String> argv() {
        return List.of("/bin/sh", "-c", SCRIPT);
    }

    /**
     * Reads the output of {@link #SCRIPT}: lines before the marker (a login banner) are ignored, a row that is not
     * {@code PID PPID STATE ELAPSED ARGS} is kept in {@link Listing#unreadable()} instead of failing the whole list.
     *
     * @throws IOException when the marker is missing: the output is not a listing at all
     */
    public static Listing parse(String output) throws IOException {
        List<String> lines = output.lines().toList();
        int start = -1;
        long lister = -1;
        for (int i = 0; i < lines.size() && start < 0; i++) {
            Matcher m = HEADER.matcher(lines.get(i).strip());
            if (m.matches()) {
                start = i + 1;
                lister = Long.parseLong(m.group(1));
            }
        }
        if (start < 0) {
            throw new IOException("the process listing has no '" + MARKER + "' line; the shell printed: "
                    + firstLine(output));
        }
        Map<Long, ProcessInfo> processes = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        for (String line : lines.subList(start, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = ROW.matcher(line);
            Optional<Duration> age = m.matches() ? etime(m.group(4)) : Optional.empty();
            if (age.isEmpty()) {
                unreadable.add(line);
                continue;
            }
            if (m.group(3).startsWith("Z")) {
                continue;
            }
            String command = m.group(5) == null ? "" : m.group(5).stripTrailing();
            long pid = Long.parseLong(m.group(1));
            processes.put(pid, new ProcessInfo(pid, Long.parseLong(m.group(2)), age.get(), command));
        }
        return new Listing(List.copyOf(processes.values()), lister, List.copyOf(unreadable), null);
    }

    /** ps's elapsed time, {@code [[dd-]hh:]mm:ss} on both macOS and Linux; empty when it is not one. */
    static Optional<Duration> etime(String text) {
        Matcher m = ETIME.matcher(text);
        if (!m.matches() || text.length() > 24) {
            return Optional.empty();
        }
        long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long hours = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        long minutes = Long.parseLong(m.group(3));
        long seconds = Long.parseLong(m.group(4));
        if (seconds > 59 || (m.group(2) != null && minutes > 59) || (m.group(1) != null && hours > 23)) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofDays(days).plusHours(hours).plusMinutes(minutes).plusSeconds(seconds));
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        String line = end < 0 ? stripped : stripped.substring(0, end);
        return line.isEmpty() ? "(nothing)" : line;
    }

    /**
     * What ps listed.
     *
     * @param listerPid   the process that printed the listing (ps itself); -1 when there was no listing
     * @param unreadable  rows that were not in the expected form, for the report
     * @param unsupported why there is no listing on this machine, or null
     */
    public record Listing(List<ProcessInfo> processes, long listerPid, List<String> unreadable, String unsupported) {

        static Listing unsupported(String reason) {
            return new Listing(List.of(), -1, List.of(), reason);
        }

        public Optional<ProcessInfo> process(long pid) {
            return processes.stream().filter(p -> p.pid() == pid).findFirst();
        }

        /**
         * {@code pid} and its parents as far as the listing shows them, stopping before {@code stopAt} (pid 1, whose
         * children are not thereby related).
         */
        public Set<Long> chain(long pid, long stopAt) {
            Set<Long> chain = new LinkedHashSet<>();
            long current = pid;
            while (current > 1 && current != stopAt && chain.add(current)) {
                Optional<ProcessInfo> process = process(current);
                if (process.isEmpty()) {
                    break;
                }
                current = process.get().ppid();
            }
            return chain;
        }

        /** The processes that ran the listing: ps, and the shell, session or JVM above it. */
        public Set<Long> lister(long stopAt) {
            return listerPid < 0 ? Set.of() : chain(listerPid, stopAt);
        }
    }
}
