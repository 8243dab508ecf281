package dev.homefleet.controller.store;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A controller stand-in for {@link KillTest}: opens the store named by its argument, starts a job run, then writes
 * events and reports as fast as it can and prints each one's id once the store has acknowledged it, until killed.
 */
public final class StoreWriter {

    private StoreWriter() {}

    public static void main(String[] args) {
        PrintStream out = System.out;
        Store store = Store.open(Path.of(args[0]));
        out.println("run " + store.jobStarted("heartbeat", Instant.now()));
        out.flush();
        for (long i = 0; ; i++) {
            if (i % 2 == 0) {
                FleetEvent event = store.append(FleetEvent.of(EventType.SERVICE_DOWN).service("macmini", "aphos")
                        .message("write " + i).data("i", i).build());
                out.println("event " + event.id());
            } else {
                Report report = store.report("cleaner", "ok", "write " + i, Instant.now(), "kill test");
                out.println("report " + report.id());
            }
            out.flush();
        }
    }
}
