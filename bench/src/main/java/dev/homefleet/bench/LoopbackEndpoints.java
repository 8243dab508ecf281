package dev.homefleet.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many HTTP services on loopback, one port each, served by one selector thread: a healthy one answers any request
 * with {@code 200 ok} and closes; a hung one accepts the connection, reads and drops what it is sent, and never
 * answers (it closes once the client gives up). Like a real fleet, every service has a port of its own, so the
 * client opens a connection per service.
 */
final class LoopbackEndpoints implements AutoCloseable {

    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            + "Connection: close\r\n\r\nok").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_HEADERS = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_REQUEST_BYTES = 8 * 1024;

    private final Selector selector;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<String> urls = new ArrayList<>();
    private final List<Boolean> hung = new ArrayList<>();
    private final AtomicLong answered = new AtomicLong();
    private final Thread loop;
    private volatile boolean open = true;

    /** What a connection of a healthy endpoint has read of its request so far. */
    private static final class Request {
        final ByteBuffer read = ByteBuffer.allocate(MAX_REQUEST_BYTES);
    }

    /** @param hungEvery every {@code hungEvery}-th endpoint (the 1st, the 11th, ...) hangs */
    LoopbackEndpoints(int count, int hungEvery) throws IOException {
        selector = Selector.open();
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            for (int i = 0; i < count; i++) {
                ServerSocketChannel listener = ServerSocketChannel.open();
                listeners.add(listener);
                listener.bind(new InetSocketAddress(loopback, 0), 64);
                listener.configureBlocking(false);
                boolean hangs = i % hungEvery == 0;
                listener.register(selector, SelectionKey.OP_ACCEPT, hangs);
                hung.add(hangs);
                urls.add("http://127.0.0.1:" + listener.socket().getLocalPort() + "/health");
            }
        } catch (IOException e) {
            closeAll();
            throw new IOException("cannot open " + count + " listening ports on 127.0.0.1 (opened " + listeners.size()
                    + "): " + e.getMessage() + "; raise the open-file limit (ulimit -n)", e);
        }
        loop = new Thread(this::serve, "bench-endpoints");
        loop.setDaemon(true);
        loop.start();
    }

    List<String> urls() {
        return List.copyOf(urls);
    }

    boolean hangs(int index) {
        return hung.get(index);
    }

    /** Requests answered so far (counted as the answer is sent). */
    long answered() {
        return answered.get();
    }

    private void serve() {
        while (open) {
            try {
                selector.select(500);
            } catch (IOException | RuntimeException e) {
                return;
            }
            if (!selector.isOpen()) {
                return;
            }
            for (SelectionKey key : selector.selectedKeys()) {
                try {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(key);
                    } else if (key.isReadable()) {
                        read(key);
                    }
                } catch (IOException | RuntimeException e) {
                    closeQuietly(key);
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private void accept(SelectionKey key) throws IOException {
        SocketChannel client = ((ServerSocketChannel) key.channel()).accept();
        if (client == null) {
            return;
        }
        client.configureBlocking(false);
        boolean hangs = (Boolean) key.attachment();
        client.register(selector, SelectionKey.OP_READ, hangs ? null : new Request());
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel client = (SocketChannel) key.channel();
        Request request = (Request) key.attachment();
        if (request == null) {
            // A hung service: take what is sent so the client is never blocked, answer nothing, close on its EOF.
            if (client.read(ByteBuffer.allocate(1024)) < 0) {
                closeQuietly(key);
            }
            return;
        }
        if (client.read(request.read) < 0 || !request.read.hasRemaining()) {
            closeQuietly(key);
            return;
        }
        if (endsHeaders(request.read)) {
            answered.incrementAndGet();
            ByteBuffer answer = ByteBuffer.wrap(ANSWER);
            // A few dozen bytes into an idle socket's empty send buffer: one write, all of it.
            for (int tries = 0; answer.hasRemaining() && tries < 100; tries++) {
                client.write(answer);
            }
            closeQuietly(key);
        }
    }

    private static boolean endsHeaders(ByteBuffer read) {
        int n = read.position();
        if (n < END_OF_HEADERS.length) {
            return false;
        }
        for (int i = 0; i < END_OF_HEADERS.length; i++) {
            if (read.get(n - END_OF_HEADERS.length + i) != END_OF_HEADERS[i]) {
                return false;
            }
        }
        return true;
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // closed as far as it can be
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        selector.wakeup();
        try {
            loop.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAll();
    }

    private void closeAll() throws IOException {
        for (SelectionKey key : selector.keys()) {
            closeQuietly(key);
        }
        for (ServerSocketChannel listener : listeners) {
            listener.close();
        }
        selector.close();
    }
}
