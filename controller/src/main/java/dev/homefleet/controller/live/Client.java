package dev.homefleet.controller.live;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One WebSocket connection: its topics and a bounded queue drained by one asynchronous send at a time. Whoever
 * publishes only {@linkplain #offer offers} a message and returns; a client that does not read lets its queue
 * fill, and then the hub drops it instead of waiting.
 */
final class Client {

    final String id;
    final Set<String> topics = ConcurrentHashMap.newKeySet();
    /** The version of the fleet document this client's view is at; guarded by the hub's lock. */
    long documentVersion = -1;

    private final Session session;
    private final BlockingQueue<String> queue;
    private final BiConsumer<Client, Throwable> broken;
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** @param broken told once when a send fails: the connection is gone */
    Client(String id, Session session, int capacity, BiConsumer<Client, Throwable> broken) {
        this.id = id;
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
        drain();
        return true;
    }

    /**
     * Starts the next send unless one is in flight. A send that completes before {@code sendText} returns is
     * followed in this loop rather than from its callback, so a fast socket cannot grow the stack.
     */
    private void drain() {
        while (!closed.get() && sending.compareAndSet(false, true)) {
            String next = queue.poll();
            if (next == null) {
                sending.set(false);
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            Send send = new Send();
            try {
                session.sendText(next, send);
            } catch (RuntimeException e) {
                send.fail(e);
                return;
            }
            if (send.completesLater()) {
                return;
            }
            sending.set(false);
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

    int queued() {
        return queue.size();
    }

    String remote() {
        return String.valueOf(session.getRemoteSocketAddress());
    }

    /** The callback of one send, which must tell whether it completed inside {@code sendText}. */
    private final class Send implements Callback {
        private static final int CALLING = 0;
        private static final int RETURNED = 1;
        private static final int DONE_IN_CALL = 2;
        private final AtomicInteger phase = new AtomicInteger(CALLING);

        /** Called once {@code sendText} returned: true when the completion is still to come (and will drain). */
        boolean completesLater() {
            return phase.compareAndSet(CALLING, RETURNED);
        }

        @Override
        public void succeed() {
            if (!phase.compareAndSet(CALLING, DONE_IN_CALL)) {
                sending.set(false);
                drain();
            }
        }

        @Override
        public void fail(Throwable x) {
            phase.set(DONE_IN_CALL);
            if (closed.compareAndSet(false, true)) {
                queue.clear();
                broken.accept(Client.this, x);
            }
        }
    }
}
