package dev.homefleet.controller.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.controller.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventBusTest {

    @TempDir
    Path dir;

    private static FleetEvent down(String service) {
        return FleetEvent.of(EventType.SERVICE_DOWN).service("macmini", service).message(service + " is down").build();
    }

    @Test
    void the_store_records_an_event_and_gives_it_its_id_before_any_subscriber_sees_it() {
        try (Store store = Store.open(dir.resolve("homefleet.db"))) {
            EventBus bus = new EventBus(store::append);
            List<Long> seenIds = new CopyOnWriteArrayList<>();
            List<Integer> storedWhenSeen = new CopyOnWriteArrayList<>();
            bus.subscribe("telegram", event -> {
                seenIds.add(event.id());
                storedWhenSeen.add(store.events(null, null, 100).size());
            });

            FleetEvent published = bus.publish(down("ollama"));

            assertThat(published.id()).isPositive();
            assertThat(seenIds).containsExactly(published.id());
            assertThat(storedWhenSeen).as("events on disk when the subscriber ran").containsExactly(1);
            assertThat(store.events(null, null, 10)).singleElement()
                    .satisfies(e -> assertThat(e.id()).isEqualTo(published.id()));
        }
    }

    @Test
    void subscribers_see_each_event_in_the_order_they_subscribed_and_one_that_throws_does_not_stop_the_next() {
        EventBus bus = new EventBus();
        List<String> calls = new CopyOnWriteArrayList<>();
        bus.subscribe("websocket", e -> calls.add("websocket " + e.service()));
        bus.subscribe("broken", e -> {
            calls.add("broken " + e.service());
            throw new IllegalStateException("the chat is gone");
        });
        bus.subscribe("healer", e -> calls.add("healer " + e.service()));

        bus.publish(down("ollama"));
        bus.publish(down("aphos"));

        assertThat(calls).containsExactly("websocket ollama", "broken ollama", "healer ollama",
                "websocket aphos", "broken aphos", "healer aphos");
    }

    @Test
    void when_the_recorder_fails_no_subscriber_hears_of_the_event_and_the_publisher_is_told() {
        EventBus bus = new EventBus(event -> {
            throw new IllegalStateException("database is locked");
        });
        List<FleetEvent> seen = new CopyOnWriteArrayList<>();
        bus.subscribe("websocket", seen::add);

        assertThatThrownBy(() -> bus.publish(down("ollama"))).hasMessage("database is locked");
        assertThat(seen).isEmpty();
    }

    @Test
    void events_published_from_many_threads_reach_subscribers_in_the_order_they_were_recorded() throws Exception {
        try (Store store = Store.open(dir.resolve("homefleet.db"))) {
            EventBus bus = new EventBus(store::append);
            List<Long> seen = new CopyOnWriteArrayList<>();
            bus.subscribe("websocket", e -> seen.add(e.id()));
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int thread = t;
                    runs.add(threads.submit(() -> {
                        for (int i = 0; i < 50; i++) {
                            bus.publish(down("s" + thread + "-" + i));
                        }
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            } finally {
                threads.shutdownNow();
            }

            assertThat(seen).hasSize(200).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void a_bus_without_a_store_delivers_events_as_they_are() {
        EventBus bus = new EventBus();
        List<FleetEvent> seen = new CopyOnWriteArrayList<>();
        bus.subscribe("cli", seen::add);
        FleetEvent event = down("ollama");

        assertThat(bus.publish(event)).isSameAs(event);
        assertThat(seen).containsExactly(event);
        assertThat(event.id()).isZero();
    }
}
