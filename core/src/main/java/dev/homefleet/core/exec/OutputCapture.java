package dev.homefleet.core.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains one output stream of a process on its own thread, so that neither stream can fill its pipe and stall the
 * process. Keeps the first {@code limit} bytes and counts the rest away: a chatty command costs CPU, not memory.
 */
final class OutputCapture {

    static final String TRUNCATED = "[output truncated after %d bytes]";
    static final String INCOMPLETE = "[output incomplete: a process the command started still holds its output open]";

    private static final int CHUNK = 8192;

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream(256);
    private final CountDownLatch finished = new CountDownLatch(1);
    private long total;

    private OutputCapture(int limit) {
        this.limit = limit;
    }

    /**
     * Starts a daemon thread that reads {@code in} to its end. The thread ends when every process holding the other
     * end of the pipe has closed it, which is when the command and everything it started have exited.
     */
    static OutputCapture start(InputStream in, int limit, String threadName) {
        OutputCapture capture = new OutputCapture(limit);
        Thread reader = new Thread(() -> capture.drain(in), threadName);
        reader.setDaemon(true);
        reader.start();
        return capture;
    }

    private void drain(InputStream in) {
        byte[] chunk = new byte[CHUNK];
        try (in) {
            int n;
            while ((n = in.read(chunk)) != -1) {
                append(chunk, n);
            }
        } catch (IOException closed) {
            // The stream was closed under us: what was read so far is the output.
        } finally {
            finished.countDown();
        }
    }

    private synchronized void append(byte[] chunk, int n) {
        int room = limit - kept.size();
        if (room > 0) {
            kept.write(chunk, 0, Math.min(n, room));
        }
        total += n;
    }

    /** Waits until the stream has ended or {@code deadlineNanos} (a {@link System#nanoTime()} value) has passed. */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        return finished.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The output decoded as UTF-8, with a marker line when bytes were dropped or the stream had not ended. */
    synchronized String text() {
        StringBuilder text = new StringBuilder(kept.toString(StandardCharsets.UTF_8));
        if (total > limit) {
            text.append('\n').append(String.format(TRUNCATED, limit));
        }
        if (finished.getCount() > 0) {
            text.append('\n').append(INCOMPLETE);
        }
        return text.toString();
    }
}
