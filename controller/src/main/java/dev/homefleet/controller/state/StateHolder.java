package dev.homefleet.controller.state;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/** Holds the current {@link FleetState}; changes are functions applied atomically, readers get whole snapshots. */
public final class StateHolder {
    private final AtomicReference<FleetState> current;

    public StateHolder(FleetState initial) {
        this.current = new AtomicReference<>(initial);
    }

    public FleetState get() {
        return current.get();
    }

    /** Applies {@code change} to the current snapshot and swaps the result in; retried if another change won. */
    public FleetState update(UnaryOperator<FleetState> change) {
        return current.updateAndGet(change);
    }
}
