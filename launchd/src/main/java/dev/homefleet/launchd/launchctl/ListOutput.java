package dev.homefleet.launchd.launchctl;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the two forms of {@code launchctl list} (launchctl(1), LEGACY SUBCOMMANDS).
 *
 * <p>Without a label: a table of three tab-separated columns under the header {@code PID Status Label}. "The first
 * column displays the PID of the job if it is running. The second column displays the last exit status of the job.
 * If the number in this column is negative, it represents the negative of the signal which stopped the job." A job
 * that is not running has {@code -} for its PID.
 *
 * <p>With a label: the job as an old-style (NeXTSTEP) property list, {@code "PID" = 4242;} among its keys while it
 * runs. Its {@code "LastExitStatus"} is the raw wait(2) status, not the table's number: exit code 78 is
 * {@code 19968} (78 &lt;&lt; 8), SIGTERM is {@code 15}; it is decoded to the table's convention.
 */
public final class ListOutput {

    private static final Pattern ENTRY = Pattern.compile("^\\s*\"?([A-Za-z]+)\"?\\s*=\\s*(.*?);\\s*$");

    private ListOutput() {}

    public static List<ListEntry> parseTable(String output) {
        List<ListEntry> entries = new ArrayList<>();
        for (String line : output.split("\\R")) {
            if (line.isBlank() || line.startsWith("PID")) {
                continue;
            }
            String[] columns = line.contains("\t") ? line.split("\t", 3) : line.strip().split("\\s+", 3);
            if (columns.length < 3) {
                continue;
            }
            entries.add(new ListEntry(columns[0].equals("-") ? -1 : parseInt(columns[0], -1),
                    columns[1].equals("-") ? null : parseInt(columns[1], null), columns[2].strip()));
        }
        return entries;
    }

    public static JobStatus parseLabel(String label, String output) {
        int pid = -1;
        Integer lastExit = null;
        int depth = 0;
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("}") || line.startsWith(")")) {
                depth--;
                continue;
            }
            if (depth == 1) {
                Matcher m = ENTRY.matcher(line);
                if (m.matches()) {
                    switch (m.group(1)) {
                        case "PID" -> pid = parseInt(m.group(2), -1);
                        case "LastExitStatus" -> lastExit = decodeWaitStatus(parseInt(m.group(2), null));
                        default -> { }
                    }
                }
            }
            if (line.endsWith("{") || line.endsWith("(")) {
                depth++;
            }
        }
        return new JobStatus(label, true, pid > 0 ? "running" : "not running", pid, lastExit, -1, null);
    }

    /** wait(2) status to {@code launchctl list}'s number: the exit code, or minus the terminating signal. */
    static Integer decodeWaitStatus(Integer status) {
        if (status == null) {
            return null;
        }
        int signal = status & 0x7f;
        if (signal == 0) {
            return (status >> 8) & 0xff;
        }
        // Not a wait status after all (no signal is numbered this high): take it as an exit code.
        return signal < 32 ? -signal : status;
    }

    private static Integer parseInt(String text, Integer fallback) {
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
