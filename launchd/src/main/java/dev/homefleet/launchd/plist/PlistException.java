package dev.homefleet.launchd.plist;

import java.io.IOException;

/** A file that is not a property list, or not a launchd job: the message names the file and, where known, the key. */
public final class PlistException extends IOException {

    public PlistException(String message) {
        super(message);
    }

    public PlistException(String message, Throwable cause) {
        super(message, cause);
    }
}
