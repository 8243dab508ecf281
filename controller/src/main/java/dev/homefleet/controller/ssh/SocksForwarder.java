package dev.homefleet.controller.ssh;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes MINA through a SOCKS5 proxy, which it cannot do itself: a listener on a loopback ephemeral port whose every
 * connection is carried to the target through the proxy (a {@link Socket} over {@link Proxy.Type#SOCKS}) and piped
 * both ways. MINA connects to {@link #address()}. When the proxy cannot carry a connection, the accepted one is
 * closed and {@link #takeFailure()} says why, so the caller can name the proxy in its message.
 */
final class SocksForwarder implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(SocksForwarder.class);
    private static final int BUFFER = 32 * 1024;

    private final SocksProxy proxy;
    private final String host;
    private final int port;
    private final Duration connectTimeout;
    private final String name;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean closed;

    private SocksForwarder(SocksProxy proxy, String host, int port, Duration connectTimeout, String name)
            throws IOException {
        this.proxy = proxy;
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
        this.name = name;
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    }

    /** Starts forwarding to {@code host:port} through {@code proxy}; {@code name} names its threads. */
    static SocksForwarder start(SocksProxy proxy, String host, int port, Duration connectTimeout, String name)
            throws IOException {
        SocksForwarder forwarder = new SocksForwarder(proxy, host, port, connectTimeout, name);
        thread("homefleet-socks-" + name, forwarder::acceptLoop).start();
        return forwarder;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Why the last connection could not be carried through the proxy, once; empty when nothing failed since. */
    Optional<String> takeFailure() {
        return Optional.ofNullable(failure.getAndSet(null));
    }

    void clearFailure() {
        failure.set(null);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket local;
            try {
                local = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{}: the loopback listener for {} failed: {}", name, proxy.label(), e.getMessage());
                }
                return;
            }
            open.add(local);
            thread("homefleet-socks-" + name + "-connect", () -> carry(local)).start();
        }
    }

    private void carry(Socket local) {
        Socket remote = new Socket(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress(proxy.host(), proxy.port())));
        open.add(remote);
        if (closed) {
            close(local);
            close(remote);
            return;
        }
        try {
            remote.setTcpNoDelay(true);
            remote.connect(target(), (int) Math.max(1, connectTimeout.toMillis()));
            local.setTcpNoDelay(true);
        } catch (IOException e) {
            String why = "cannot reach " + host + ":" + port + " through the " + proxy.label() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            failure.set(why);
            LOG.debug("{}: {}", name, why);
            close(local);
            close(remote);
            return;
        }
        AtomicInteger directions = new AtomicInteger(2);
        thread("homefleet-socks-" + name + "-up", () -> pipe(local, remote, directions)).start();
        pipe(remote, local, directions);
    }

    /** With socks5h the proxy resolves the name; with socks5 it is resolved here when it can be. */
    private InetSocketAddress target() {
        if (!proxy.remoteDns()) {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (UnknownHostException e) {
                LOG.debug("{}: {} does not resolve here; the proxy resolves it", name, host);
            }
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /**
     * Copies until end of stream and passes the end on (a half close); the second direction to end closes both
     * sockets, and an error in either closes both at once.
     */
    private void pipe(Socket from, Socket to, AtomicInteger directions) {
        byte[] buffer = new byte[BUFFER];
        boolean clean = false;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
            clean = true;
        } catch (IOException e) {
            LOG.debug("{}: connection ended: {}", name, e.getMessage());
        }
        if (!clean || directions.decrementAndGet() == 0) {
            close(from);
            close(to);
        }
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("{}: closing a socket: {}", name, e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("{}: closing the listener: {}", name, e.getMessage());
        }
        open.forEach(this::close);
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
