package dev.homefleet.core.service.process;

import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the status part of a script printed ({@code key=value} lines, then {@code --- log} and the log's last lines)
 * and the {@link ServiceState} it amounts to.
 */
final class ProcessReport {

    /** A service that ends this soon after it started failed to start, whatever its exit status. */
    static final Duration EARLY_EXIT = Duration.ofSeconds(5);

    private static final Pattern ETIME = Pattern.compile("(?:(?:(\\d+)-)?(\\d+):)?(\\d+):(\\d+)");

    private final Map<String, String> values;
    private final List<String> log;

    private ProcessReport(Map<String, String> values, List<String> log) {
        this.values = values;
        this.log = log;
    }

    static ProcessReport parse(String output) {
        Map<String, String> values = new HashMap<>();
        List<String> log = new ArrayList<>();
        boolean inLog = false;
        for (String line : output.split("\\R", -1)) {
            if (inLog) {
                log.add(line);
            } else if (line.equals("--- log")) {
                inLog = true;
            } else {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    values.putIfAbsent(line.substring(0, equals), line.substring(equals + 1));
                }
            }
        }
        while (!log.isEmpty() && log.get(log.size() - 1).isEmpty()) {
            log.remove(log.size() - 1);
        }
        if (!values.containsKey("pidfile")) {
            throw new IllegalArgumentException("the script printed no report: "
                    + output.strip().lines().findFirst().orElse("nothing"));
        }
        return new ProcessReport(values, List.copyOf(log));
    }

    /** {@code already} or {@code started} for a start script; null for the others. */
    String result() {
        return values.get("result");
    }

    boolean running() {
        return "yes".equals(values.get("alive"));
    }

    ServiceState state() {
        if (!"yes".equals(values.get("pidfile"))) {
            return ServiceState.of(State.STOPPED, "not running");
        }
        int pid = Integer.parseInt(values.get("pid"));
        switch (values.getOrDefault("alive", "no")) {
            case "yes":
                return new ServiceState(State.RUNNING, pid, -1, etime(values.get("etime")), -1, -1, null, "running");
            case "reused":
                return ServiceState.of(State.STOPPED, "not running: its pid file names pid " + pid
                        + ", which now belongs to another process");
            default:
                break;
        }
        String code = values.get("exit");
        if (code == null) {
            return ServiceState.of(State.STOPPED, "process " + pid + " is gone without an exit status (killed"
                    + " together with its supervisor, or the machine restarted)" + logTail());
        }
        int status = Integer.parseInt(code);
        long ranFor = number("ended") - number("started");
        String ended = "exited with status " + status + (ranFor >= 0 ? " after " + ranFor + " s" : "");
        boolean early = ranFor >= 0 && ranFor < EARLY_EXIT.toSeconds();
        State state = status != 0 || early ? State.ERRORED : State.STOPPED;
        return new ServiceState(state, -1, -1, null, -1, -1, status, ended + logTail());
    }

    /** The log's last lines, oldest first. */
    List<String> log() {
        return log;
    }

    private String logTail() {
        return log.isEmpty() ? "; its log is empty" : "; its log ends with:\n" + String.join("\n", log);
    }

    private long number(String key) {
        String value = values.get(key);
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** ps's elapsed time, {@code [[dd-]hh:]mm:ss}; null when ps gave none. */
    static Duration etime(String etime) {
        if (etime == null) {
            return null;
        }
        Matcher m = ETIME.matcher(etime.strip());
        if (!m.matches()) {
            return null;
        }
        long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
        long hours = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        return Duration.ofDays(days).plusHours(hours).plusMinutes(Long.parseLong(m.group(3)))
                .plusSeconds(Long.parseLong(m.group(4)));
    }
}
