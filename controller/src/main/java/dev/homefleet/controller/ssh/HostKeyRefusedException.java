package dev.homefleet.controller.ssh;

import java.io.IOException;

/** A connection was refused because known_hosts does not vouch for the server's host key. */
public final class HostKeyRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient HostKeyCheck check;

    public HostKeyRefusedException(HostKeyCheck check) {
        this(check, check.refusal());
    }

    HostKeyRefusedException(HostKeyCheck check, String message) {
        super(message);
        this.check = check;
    }

    public HostKeyCheck check() {
        return check;
    }
}
