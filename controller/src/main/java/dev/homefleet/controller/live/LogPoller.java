package dev.homefleet.controller.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;

/**
 * Tails one service's log for everyone subscribed to {@code logs:MACHINE/SERVICE}: one poll serves them all. A new
 * subscriber gets the last lines, the others only the lines that are new since the previous poll.
 */
final class LogPoller {

    final String target;
    private final String machine;
    private final String service;
    private final LogSource source;
    private final int window;
    private final int initial;
    private final BiConsumer<Client, String> deliver;

    private final Object lock = new Object();
    private final Set<Client> subscribers = new LinkedHashSet<>();
    private final Set<Client> newcomers = new LinkedHashSet<>();
    /** Guarded by this (one poll at a time): the tail of the last poll, null before the first or after a failure. */
    private List<String> last;
    private String lastError;
    private volatile ScheduledFuture<?> schedule;

    /**
     * @param window  how many lines each poll asks for; more lines than this between two polls are partly missed
     * @param initial how many lines a new subscriber gets
     */
    LogPoller(String machine, String service, LogSource source, int window, int initial,
            BiConsumer<Client, String> deliver) {
        this.target = machine + "/" + service;
        this.machine = machine;
        this.service = service;
        this.source = source;
        this.window = window;
        this.initial = initial;
        this.deliver = deliver;
    }

    void scheduled(ScheduledFuture<?> future) {
        this.schedule = future;
    }

    void add(Client client) {
        synchronized (lock) {
            subscribers.add(client);
            newcomers.add(client);
        }
    }

    /** @return true when nobody is left */
    boolean remove(Client client) {
        synchronized (lock) {
            subscribers.remove(client);
            newcomers.remove(client);
            return subscribers.isEmpty();
        }
    }

    void stop() {
        ScheduledFuture<?> future = schedule;
        if (future != null) {
            future.cancel(false);
        }
    }

    synchronized void poll() {
        List<String> lines = null;
        String error = null;
        try {
            lines = List.copyOf(source.tail(machine, service, window));
        } catch (IOException | RuntimeException e) {
            error = "cannot read the log of " + target + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
        List<Client> fresh;
        List<Client> known;
        synchronized (lock) {
            if (subscribers.isEmpty()) {
                return;
            }
            fresh = new ArrayList<>(last == null && error == null ? subscribers : newcomers);
            known = new ArrayList<>(subscribers);
            known.removeAll(fresh);
            newcomers.clear();
        }
        long now = System.currentTimeMillis();
        if (error != null) {
            ObjectNode data = LiveJson.error("logs_unavailable", error);
            data.put("target", target);
            String message = LiveJson.message("error", now, data);
            send(fresh, message);
            if (!error.equals(lastError)) {
                send(known, message);
            }
            lastError = error;
            last = null;
            return;
        }
        lastError = null;
        List<String> added = last == null ? List.of() : NewLines.since(last, lines);
        last = lines;
        if (!added.isEmpty()) {
            send(known, message(now, added));
        }
        if (!fresh.isEmpty()) {
            send(fresh, message(now, lines.subList(Math.max(0, lines.size() - initial), lines.size())));
        }
    }

    private String message(long now, List<String> lines) {
        ObjectNode data = LiveJson.MAPPER.createObjectNode();
        data.put("target", target);
        data.set("lines", LiveJson.MAPPER.valueToTree(lines));
        return LiveJson.message("log", now, data);
    }

    private void send(List<Client> clients, String message) {
        for (Client client : clients) {
            deliver.accept(client, message);
        }
    }
}
