package dev.homefleet.launchd.launchctl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code launchctl print gui/UID/LABEL}: a block {@code TARGET = { ... }} of {@code key = value} lines, with
 * nested blocks (arguments, environment, endpoints ...) that are skipped. launchctl(1) warns that this output "is
 * NOT API in any sense at all", so only the few keys that have read the same since macOS 10.10 are used, and a key
 * that is missing leaves its value unknown instead of failing:
 *
 * <pre>
 *     state = running                       (or: not running, spawn scheduled, ...)
 *     pid = 48213                           (only while running)
 *     runs = 3
 *     last exit code = 78: EX_CONFIG        (or: 1, or: (never exited))
 *     last terminating signal = Terminated: 15
 *     path = /Users/felipe/Library/LaunchAgents/com.clawdbot.gateway.plist
 * </pre>
 */
public final class PrintOutput {

    private static final Pattern LINE = Pattern.compile("^\\s*([^=]+?)\\s*=\\s*(.*?)\\s*$");
    private static final Pattern LEADING_NUMBER = Pattern.compile("^(-?\\d+)");
    private static final Pattern SIGNAL = Pattern.compile(":\\s*(\\d+)\\s*$");

    private PrintOutput() {}

    public static JobStatus parse(String label, String output) {
        String state = null;
        int pid = -1;
        int runs = -1;
        Integer exitCode = null;
        Integer signal = null;
        String path = null;
        int depth = 0;
        for (String raw : output.split("\\R")) {
            String line = raw.strip();
            if (line.equals("}")) {
                depth--;
                continue;
            }
            boolean opens = line.endsWith("{");
            if (depth == 1 && !opens) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    String key = m.group(1);
                    String value = m.group(2);
                    switch (key) {
                        case "state" -> state = value;
                        case "pid" -> pid = number(value, -1);
                        case "runs" -> runs = number(value, -1);
                        case "path" -> path = value;
                        case "last exit code" -> exitCode = leadingNumber(value);
                        case "last terminating signal" -> {
                            Matcher s = SIGNAL.matcher(value);
                            signal = s.find() ? Integer.valueOf(s.group(1)) : null;
                        }
                        default -> { }
                    }
                }
            }
            if (opens) {
                depth++;
            }
        }
        // A job killed by a signal has no exit code; launchctl list shows it as minus the signal, and so do we.
        Integer lastExit = exitCode != null ? exitCode : signal != null ? -signal : null;
        return new JobStatus(label, true, state, pid, lastExit, runs, path);
    }

    private static int number(String value, int fallback) {
        Integer n = leadingNumber(value);
        return n == null ? fallback : n;
    }

    private static Integer leadingNumber(String value) {
        Matcher m = LEADING_NUMBER.matcher(value);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }
}
