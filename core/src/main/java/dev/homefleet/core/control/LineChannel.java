package dev.homefleet.core.control;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One Unix-socket connection carrying newline-terminated lines. Every read, write and connect waits at most until
 * a deadline ({@link System#nanoTime()} based): Unix-domain channels have no socket timeouts, so the channel runs
 * non-blocking under a selector of its own.
 */
final class LineChannel implements Closeable {

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final int maxLine;
    private final ByteBuffer in = ByteBuffer.allocate(8192).flip();
    private byte[] line = new byte[512];
    private int length;

    LineChannel(SocketChannel channel, int maxLine) throws IOException {
        this.channel = channel;
        this.maxLine = maxLine;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        try {
            this.key = channel.register(selector, 0);
        } catch (IOException | RuntimeException e) {
            selector.close();
            throw e;
        }
    }

    static LineChannel connect(UnixDomainSocketAddress address, int maxLine, long deadline) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        LineChannel line = null;
        try {
            line = new LineChannel(channel, maxLine);
            if (!channel.connect(address)) {
                while (!channel.finishConnect()) {
                    line.await(SelectionKey.OP_CONNECT, deadline);
                }
            }
            return line;
        } catch (IOException | RuntimeException e) {
            if (line != null) {
                line.close();
            } else {
                channel.close();
            }
            throw e;
        }
    }

    /**
     * @return the next line without its newline; the last bytes before the end of the stream count as a line
     *         even without one; null at the end of the stream
     * @throws LineTooLongException when a line is longer than the limit; the rest of it is not read
     */
    byte[] readLine(long deadline) throws IOException {
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return take();
                }
                if (length == maxLine) {
                    throw new LineTooLongException(maxLine);
                }
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(maxLine, line.length * 2));
                }
                line[length++] = b;
            }
            in.clear();
            int read = channel.read(in);
            in.flip();
            if (read < 0) {
                return length > 0 ? take() : null;
            }
            if (read == 0) {
                await(SelectionKey.OP_READ, deadline);
            }
        }
    }

    void writeLine(byte[] bytes, long deadline) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '\n').flip();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
    }

    private byte[] take() {
        byte[] result = Arrays.copyOf(line, length);
        length = 0;
        return result;
    }

    private void await(int operation, long deadline) throws IOException {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new SocketTimeoutException("timed out");
        }
        key.interestOps(operation);
        try {
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        } finally {
            selector.selectedKeys().clear();
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted");
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }

    /** A line longer than the limit arrived; the connection is no longer in step and has to be closed. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int limit) {
            super("line longer than " + limit + " bytes");
        }
    }
}
