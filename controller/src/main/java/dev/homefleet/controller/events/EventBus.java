package dev.homefleet.controller.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one stream of {@link FleetEvent}s. The store is the {@linkplain #EventBus(UnaryOperator) recorder}: it runs
 * first and gives the event its id, so by the time {@link #publish} returns the event is on disk. Subscribers
 * (the WebSocket hub, the Telegram notifier, the healer) then see it in publish order, on the publishing thread;
 * one that needs time queues the event itself. A subscriber that throws is logged and does not stop the others.
 */
public final class EventBus {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    private final UnaryOperator<FleetEvent> recorder;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();

    private record Subscriber(String name, Consumer<FleetEvent> consumer) {}

    /** A bus whose events are not recorded (tests, the CLI). */
    public EventBus() {
        this(UnaryOperator.identity());
    }

    /** @param recorder writes an event and returns it with its id; it may throw, and then nothing is delivered */
    public EventBus(UnaryOperator<FleetEvent> recorder) {
        this.recorder = recorder;
    }

    public void subscribe(String name, Consumer<FleetEvent> consumer) {
        subscribers.add(new Subscriber(name, consumer));
    }

    /** Records the event, then hands it to every subscriber; returns it as recorded (with its id). */
    public synchronized FleetEvent publish(FleetEvent event) {
        FleetEvent recorded = recorder.apply(event);
        log.info("{} {}: {}", recorded.type(), recorded.target(), recorded.message());
        for (Subscriber subscriber : subscribers) {
            try {
                subscriber.consumer().accept(recorded);
            } catch (RuntimeException e) {
                log.warn("event subscriber {} failed on {}: {}", subscriber.name(), recorded.type(), e.toString());
            }
        }
        return recorded;
    }
}
