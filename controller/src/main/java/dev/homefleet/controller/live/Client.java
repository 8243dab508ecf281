package dev.homefleet.controller.live;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One WebSocket connection: its topics and a bounded queue drained by asynchronous sends. Whoever publishes only
 * {@linkplain #offer offers} a message and returns; the sends run on the hub's sender pool and Jetty's callbacks.
 * A client that does not read lets its queue fill, and then the hub drops it instead of waiting.
 */
final class Client {

    /**
     * Sends handed to Jetty and not completed yet. More than one lets Jetty gather queued frames into one socket
     * write (a burst costs one system call, not one per message); few enough that a client's memory stays bounded
     * by its queue.
     */
    static final int IN_FLIGHT = 32;

    final String id;
    /** The sign-in (session) that opened this socket, when a session cookie did; null for a token or this machine. */
    final String owner;
    /** Where the client connects from, for the log (the session forgets it once closed). */
    final String remote;
    final Set<String> topics = ConcurrentHashMap.newKeySet();
    /** The version of the fleet document this client's view is at; guarded by the hub's lock. */
    long documentVersion = -1;

    private final Session session;
    private final BlockingQueue<String> queue;
    private final BiConsumer<Client, Throwable> broken;
    private final ScheduledExecutorService sender;
    private final long lingerMicros;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Held by the one thread handing messages to Jetty. */
    private final AtomicBoolean draining = new AtomicBoolean();
    /** A drain is waiting in the sender pool. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Callback sent = Callback.from(this::sent, this::failed);

    /**
     * @param owner  the session that opened the socket, if a session did
     * @param sender runs the drains; each client has at most one task waiting in it
     * @param linger how long a message waits for others to go out with it in one write
     * @param broken told once when a send fails: the connection is gone
     */
    Client(String id, String owner, Session session, int capacity, ScheduledExecutorService sender, Duration linger,
            BiConsumer<Client, Throwable> broken) {
        this.id = id;
        this.owner = owner;
        this.remote = String.valueOf(session.getRemoteSocketAddress());
        this.sender = sender;
        this.lingerMicros = linger.toNanos() / 1000;
        this.session = session;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.broken = broken;
    }

    /** Queues a message without waiting; false when the queue is full (a closed client takes and drops anything). */
    boolean offer(String message) {
        if (closed.get()) {
            return true;
        }
        if (!queue.offer(message)) {
            return false;
        }
        if (inFlight.get() < IN_FLIGHT && scheduled.compareAndSet(false, true)) {
            try {
                sender.schedule(() -> {
                    scheduled.set(false);
                    drain();
                }, lingerMicros, TimeUnit.MICROSECONDS);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // the hub is stopping
            }
        }
        return true;
    }

    /**
     * Hands queued messages to Jetty while fewer than {@link #IN_FLIGHT} are unfinished. One thread at a time does
     * it; a send that completes inside {@code sendText} only lowers the count, so the stack does not grow.
     */
    private void drain() {
        while (draining.compareAndSet(false, true)) {
            try {
                while (!closed.get() && inFlight.get() < IN_FLIGHT) {
                    String next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    inFlight.incrementAndGet();
                    session.sendText(next, sent);
                }
            } catch (RuntimeException e) {
                failed(e);
            } finally {
                draining.set(false);
            }
            // A message or a completion that came while this thread held the flag would otherwise wait.
            if (closed.get() || queue.isEmpty() || inFlight.get() >= IN_FLIGHT) {
                return;
            }
        }
    }

    private void sent() {
        inFlight.decrementAndGet();
        if (!queue.isEmpty()) {
            drain();
        }
    }

    private void failed(Throwable x) {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            broken.accept(this, x);
        }
    }

    /** Closes the connection with a status; true if this call closed it (and false when it was closed already). */
    boolean close(int status, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        queue.clear();
        session.close(status, reason, Callback.NOOP);
        return true;
    }

    /** Marks the client gone (the connection closed) so that it takes no more messages. */
    void closed() {
        closed.set(true);
        queue.clear();
    }

    /** Cuts the connection of a client that did not answer its close: its unread data holds the close frame back. */
    void disconnect() {
        if (session.isOpen()) {
            session.disconnect();
        }
    }
}
