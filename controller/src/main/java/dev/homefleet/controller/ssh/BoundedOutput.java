package dev.homefleet.controller.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first {@code limit} bytes of a stream written to it, counts the rest, and decodes them as UTF-8. */
final class BoundedOutput extends OutputStream {

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        if (kept.size() < limit) {
            kept.write(b);
        } else {
            dropped++;
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = Math.min(len, limit - kept.size());
        if (room > 0) {
            kept.write(b, off, room);
        }
        dropped += len - Math.max(0, room);
    }

    synchronized long dropped() {
        return dropped;
    }

    /** What was kept; a character cut in half at the limit, or bytes that are not UTF-8, become U+FFFD. */
    synchronized String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }
}
