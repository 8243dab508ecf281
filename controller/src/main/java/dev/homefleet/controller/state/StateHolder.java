package dev.homefleet.controller.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link FleetState}; changes are functions applied atomically, readers get whole snapshots.
 * {@linkplain #onChange Listeners} hear of every change (the WebSocket hub sends deltas, the metrics observe job
 * runs) without polling.
 */
public final class StateHolder {
    private static final Logger log = LoggerFactory.getLogger(StateHolder.class);

    private final AtomicReference<FleetState> current;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Hears of a change: the snapshot it replaced and the one swapped in. */
    @FunctionalInterface
    public interface Listener {
        void changed(FleetState before, FleetState after);
    }

    public StateHolder(FleetState initial) {
        this.current = new AtomicReference<>(initial);
    }

    public FleetState get() {
        return current.get();
    }

    /**
     * Applies {@code change} to the current snapshot and swaps the result in; retried if another change won. Then
     * tells the listeners, unless the change returned the snapshot itself.
     */
    public FleetState update(UnaryOperator<FleetState> change) {
        FleetState before;
        FleetState after;
        do {
            before = current.get();
            after = change.apply(before);
        } while (!current.compareAndSet(before, after));
        if (after != before) {
            for (Listener listener : listeners) {
                try {
                    listener.changed(before, after);
                } catch (RuntimeException e) {
                    log.warn("state listener failed: {}", e.toString());
                }
            }
        }
        return after;
    }

    /**
     * Adds a listener, called on the changing thread after each change, so it must be quick and never block.
     * Every pair it gets is two consecutive snapshots, so each transition is seen exactly once; but when two
     * threads change the state at once their pairs may arrive in either order.
     */
    public void onChange(Listener listener) {
        listeners.add(listener);
    }
}
