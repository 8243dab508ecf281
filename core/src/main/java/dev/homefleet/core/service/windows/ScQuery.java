package dev.homefleet.core.service.windows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code sc.exe query NAME} or {@code sc.exe queryex NAME} prints, read back: one block of {@code KEY : value}
 * lines under {@code SERVICE_NAME: NAME}. queryex adds PID and FLAGS.
 *
 * <pre>
 * SERVICE_NAME: sshd
 *         TYPE               : 10  WIN32_OWN_PROCESS
 *         STATE              : 4  RUNNING
 *                                 (STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)
 *         WIN32_EXIT_CODE    : 0  (0x0)
 *         SERVICE_EXIT_CODE  : 0  (0x0)
 *         CHECKPOINT         : 0x0
 *         WAIT_HINT          : 0x0
 *         PID                : 3412
 *         FLAGS              :
 * </pre>
 *
 * @param pid the service's process id; 0 when it has no process, -1 when the output has no PID line (sc query)
 */
record ScQuery(String name, WindowsStatus status, long win32ExitCode, long serviceExitCode, long pid) {

    /** sc's answer for a name that no service has: {@code [SC] EnumQueryServicesStatus:OpenService FAILED 1060:}. */
    static final String NO_SUCH_SERVICE = "FAILED 1060";
    /** The service stopped with a code of its own, in SERVICE_EXIT_CODE. */
    static final long SERVICE_SPECIFIC_ERROR = 1066;
    /** The service has not been started since Windows booted: stopped, but not by failing. */
    static final long NEVER_STARTED = 1077;

    private static final Pattern FIELD = Pattern.compile("^\\s*([A-Z_0-9]+)\\s*:\\s*(.*?)\\s*$");
    private static final Pattern NUMBER = Pattern.compile("^(\\d+)\\b.*");
    private static final Pattern FAILED = Pattern.compile("\\[SC\\][^\\r\\n]*FAILED (\\d+):?");

    /** Whether sc said that no service has the name it was given. */
    static boolean saysNoSuchService(String output) {
        return output.contains(NO_SUCH_SERVICE);
    }

    static ScQuery parse(String output) {
        Matcher failed = FAILED.matcher(output);
        if (failed.find()) {
            throw new IllegalArgumentException("sc failed with error " + failed.group(1) + ": "
                    + output.substring(failed.start()).strip().replaceAll("\\s+", " "));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : output.split("\\R")) {
            Matcher field = FIELD.matcher(line);
            if (field.matches()) {
                fields.putIfAbsent(field.group(1), field.group(2));
            }
        }
        String name = fields.get("SERVICE_NAME");
        String state = fields.get("STATE");
        if (name == null || state == null) {
            throw new IllegalArgumentException("sc printed no SERVICE_NAME and STATE lines: "
                    + output.strip().lines().findFirst().orElse(""));
        }
        return new ScQuery(name, WindowsStatus.ofCode(number("STATE", state)), code(fields, "WIN32_EXIT_CODE"),
                code(fields, "SERVICE_EXIT_CODE"), code(fields, "PID"));
    }

    /**
     * The code the service's last run ended with, or null when it ended well or never ran: SERVICE_EXIT_CODE when
     * WIN32_EXIT_CODE says the service gave one of its own (1066), and nothing for 1077, never started since boot.
     */
    Integer exitCode() {
        long code = win32ExitCode == SERVICE_SPECIFIC_ERROR && serviceExitCode > 0 ? serviceExitCode : win32ExitCode;
        if (code <= 0 || code == NEVER_STARTED || code > 0xFFFF_FFFFL) {
            return null;
        }
        return (int) code; // a DWORD: codes above 2^31 (HRESULTs) come out negative, as Windows' own tools print them
    }

    private static long code(Map<String, String> fields, String key) {
        String value = fields.get(key);
        return value == null || value.isEmpty() ? -1 : number(key, value);
    }

    private static long number(String key, String value) {
        Matcher number = NUMBER.matcher(value);
        if (!number.matches()) {
            throw new IllegalArgumentException("sc's " + key + " should start with a number, got '" + value + "'");
        }
        return Long.parseLong(number.group(1));
    }
}
