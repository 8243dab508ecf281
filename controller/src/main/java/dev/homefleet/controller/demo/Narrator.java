package dev.homefleet.controller.demo;

import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.store.Store;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tells in the terminal what the dashboard's event feed shows: one line per event of the controller's bus, in the
 * order of their ids, from the first one (the events published before it subscribed are read back from the store).
 * The jobs' start and finish lines are left out; what the jobs did is in the events they publish.
 */
final class Narrator {
    static final Set<EventType> UNTOLD = Set.of(EventType.JOB_STARTED, EventType.JOB_FINISHED);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int WIDTH = 18;
    /** The dashboard has room for the whole message; a terminal line does not. */
    static final int MAX_MESSAGE = 200;
    /** What a Telegram message is told as, where an event's type would be. */
    static final String TELEGRAM = "telegram";
    static final int MAX_TELEGRAM_LINES = 6;

    private final PrintWriter out;
    private final ZoneId zone;
    private final List<FleetEvent> early = new ArrayList<>();
    private boolean replayed;
    private boolean silent;
    private long lastId;

    Narrator(PrintWriter out, ZoneId zone) {
        this.out = out;
        this.zone = zone;
    }

    /** Called with every event of the bus, on the publishing thread. */
    synchronized void onEvent(FleetEvent event) {
        if (!replayed) {
            early.add(event);
            return;
        }
        tell(event);
    }

    /** Tells the events the store had before the subscription, then those that came meanwhile. */
    synchronized void replay(Store store) {
        store.eventsAfter(0, null, 1_000).forEach(this::tell);
        early.forEach(this::tell);
        early.clear();
        replayed = true;
    }

    /** From now on only the demo's own lines are told: the events of a fleet being stopped would only confuse. */
    synchronized void silence() {
        silent = true;
    }

    /** A line of the demo's own, e.g. what the outage scenario does next. */
    synchronized void say(Instant at, String line) {
        out.println(TIME.format(at.atZone(zone)) + "  " + line);
        out.flush();
    }

    /**
     * A Telegram message the fleet sent (to the demo's stand-in for Telegram): its first line after the time, the
     * others under it, as many as a phone's notification would show.
     */
    synchronized void telegram(Instant at, String text) {
        if (silent) {
            return;
        }
        List<String> lines = text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String indent = " ".repeat(TIME.format(at.atZone(zone)).length() + 2 + WIDTH);
        StringBuilder told = new StringBuilder(TIME.format(at.atZone(zone))).append("  ").append(TELEGRAM)
                .append(" ".repeat(WIDTH - TELEGRAM.length()));
        for (int i = 0; i < Math.min(lines.size(), MAX_TELEGRAM_LINES); i++) {
            String line = lines.get(i);
            told.append(i == 0 ? "" : "\n" + indent)
                    .append(line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE - 1) + "…");
        }
        if (lines.size() > MAX_TELEGRAM_LINES) {
            told.append("\n").append(indent).append("… ").append(lines.size() - MAX_TELEGRAM_LINES).append(" more lines");
        }
        out.println(told);
        out.flush();
    }

    private void tell(FleetEvent event) {
        if (silent || event.id() != 0 && event.id() <= lastId) {
            return;
        }
        lastId = Math.max(lastId, event.id());
        if (UNTOLD.contains(event.type())) {
            return;
        }
        out.println(line(event, zone));
        out.flush();
    }

    /** {@code 12:00:03  service.down        macbook/gateway: connection refused}. */
    static String line(FleetEvent event, ZoneId zone) {
        String type = event.type().wire();
        StringBuilder line = new StringBuilder(TIME.format(event.ts().atZone(zone))).append("  ").append(type);
        line.append(" ".repeat(Math.max(1, WIDTH - type.length())));
        String message = event.message().isBlank() ? event.target() : event.message();
        if (!message.contains(event.target())) {
            line.append(event.target()).append(": ");
        }
        message = message.replace('\n', ' ');
        return line.append(message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…")
                .toString();
    }
}
