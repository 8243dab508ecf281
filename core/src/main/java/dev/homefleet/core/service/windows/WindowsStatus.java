package dev.homefleet.core.service.windows;

import dev.homefleet.core.service.ServiceState.State;
import java.util.Locale;

/**
 * A Windows service's current state: the SERVICE_STATUS dwCurrentState codes that {@code sc query} prints as
 * {@code 4  RUNNING} and .NET's ServiceControllerStatus, which Get-Service's JSON holds as the number (Windows
 * PowerShell 5.1, PowerShell 7.5) or the name ({@code Running}, PowerShell 7.0 to 7.4).
 */
enum WindowsStatus {
    STOPPED(1, State.STOPPED),
    START_PENDING(2, State.STARTING),
    STOP_PENDING(3, State.STOPPING),
    RUNNING(4, State.RUNNING),
    CONTINUE_PENDING(5, State.STARTING),
    PAUSE_PENDING(6, State.STOPPING),
    // Paused: the process lives but serves nothing; Resume-Service, not Start-Service, brings it back.
    PAUSED(7, State.STOPPED);

    private final int code;
    private final State state;

    WindowsStatus(int code, State state) {
        this.code = code;
        this.state = state;
    }

    int code() {
        return code;
    }

    State state() {
        return state;
    }

    /** As .NET names it: {@code StartPending}. */
    String displayName() {
        StringBuilder name = new StringBuilder();
        for (String word : name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    static WindowsStatus ofCode(long code) {
        for (WindowsStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown service state " + code + "; Windows knows 1 (Stopped) to 7"
                + " (Paused)");
    }

    /** {@code Running}, {@code StartPending} (.NET) or {@code START_PENDING} (sc), in any case. */
    static WindowsStatus ofName(String name) {
        String key = name.strip().replace("_", "");
        for (WindowsStatus status : values()) {
            if (status.name().replace("_", "").equalsIgnoreCase(key)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown service state '" + name + "'; Windows knows Stopped,"
                + " StartPending, StopPending, Running, ContinuePending, PausePending and Paused");
    }
}
