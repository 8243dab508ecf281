package dev.homefleet.core.alert;

import static dev.homefleet.core.alert.Html.bold;
import static dev.homefleet.core.alert.Html.escape;

import dev.homefleet.core.alert.Incidents.Change;
import dev.homefleet.core.alert.Incidents.Item;
import dev.homefleet.core.config.AlertsSpec.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The words of a Telegram message: for one incident, what is wrong, where (machine, service, port), since when and
 * what the healer already did; for a burst, one message with a line per incident, grouped by machine. Everything
 * from the fleet is escaped; messages stay under Telegram's 4096 characters (a long burst is split).
 */
final class AlertText {

    /** Below Telegram's 4096, leaving room for entities. */
    static final int LIMIT = 3900;
    private static final int SHORT_TEXT = 160;
    private static final int LONG_TEXT = 1500;

    private static final Map<String, String> PROBLEM = Map.ofEntries(
            Map.entry("service.down", "is down"),
            Map.entry("service.gave-up", "is down, and the healer gave up"),
            Map.entry("service.restarted", "was restarted by the healer"),
            Map.entry("machine.down", "does not answer"),
            Map.entry("checkin.late", "is late"),
            Map.entry("checkin.down", "is down"),
            Map.entry("port.conflict", "has a port conflict"),
            Map.entry("resource.warning", "is short of resources"),
            Map.entry("config.rejected", "was rejected"),
            Map.entry("job.failed", "failed"),
            Map.entry("failover.suspect", "is failing its checks"),
            Map.entry("failover.takeover", "failed over to the standby"),
            Map.entry("failover.failed", "could not fail over"));
    private static final Map<String, String> RESOLVED = Map.of(
            "service.up", "is up again",
            "machine.up", "answers again",
            "checkin.recovered", "reported again",
            "failover.yield", "is back on the primary");

    private final ZoneId zone;

    AlertText(ZoneId zone) {
        this.zone = zone;
    }

    /** The messages for one tick's items: one for a single item, one (or more, when long) for a burst. */
    List<String> render(List<Item> items, Instant now) {
        if (items.isEmpty()) {
            return List.of();
        }
        if (items.size() == 1) {
            return List.of(single(items.get(0), now));
        }
        return burst(items, now);
    }

    String single(Item item, Instant now) {
        Incident i = item.incident();
        List<String> lines = new ArrayList<>();
        lines.add(icon(item) + " " + bold(subject(i) + " " + headline(item, now)));
        String text = switch (item.change()) {
            case OPENED, QUICK -> detail(i.text, i, i.type, false);
            case RESOLVED -> detail(i.resolvedText, i, i.resolvedType, true);
            default -> detail(i.lastText, i, i.lastType, false);
        };
        if (!text.isBlank()) {
            lines.add(escape(shorten(text, LONG_TEXT)));
        }
        List<String> facts = new ArrayList<>();
        if (i.port != null) {
            facts.add("port " + i.port);
        }
        facts.add(when(item, now));
        lines.add(String.join(" · ", facts));
        String folded = folded(i);
        if (!folded.isEmpty()) {
            lines.add(folded);
        }
        if (!i.actions.isEmpty()) {
            lines.add("Healer: " + escape(story(i.actions)));
        }
        if (i.hint != null && i.open && item.change() != Change.RESOLVED) {
            lines.add("👉 " + escape(i.hint));
        }
        return String.join("\n", lines);
    }

    private List<String> burst(List<Item> items, Instant now) {
        Map<String, List<Item>> byMachine = new LinkedHashMap<>();
        for (Item item : items) {
            String machine = item.incident().machine == null ? "" : item.incident().machine;
            byMachine.computeIfAbsent(machine, m -> new ArrayList<>()).add(item);
        }
        List<String> lines = new ArrayList<>();
        byMachine.forEach((machine, group) -> {
            Item header = group.stream().filter(it -> machine.equals(it.incident().key)).findFirst().orElse(null);
            lines.add("");
            if (header != null) {
                lines.add(icon(header) + " " + bold(machine + " " + headline(header, now)) + " · " + when(header, now)
                        + about(header));
            } else {
                lines.add(bold(machine.isEmpty() ? "fleet" : machine));
            }
            for (Item item : group) {
                if (item != header) {
                    lines.add("• " + line(item, now));
                }
            }
        });
        String title = icon(worst(items)) + " " + bold(summary(items));
        List<String> messages = new ArrayList<>();
        StringBuilder current = new StringBuilder(title);
        for (String line : lines) {
            if (current.length() + line.length() + 1 > LIMIT) {
                messages.add(current.toString());
                current = new StringBuilder(title + " (continued)");
            }
            current.append('\n').append(line);
        }
        messages.add(current.toString());
        return messages;
    }

    /** One incident on one line of a burst. */
    private String line(Item item, Instant now) {
        Incident i = item.incident();
        String name = i.service != null ? i.service : subject(i);
        StringBuilder line = new StringBuilder(icon(item)).append(' ').append(bold(name));
        if (i.port != null) {
            line.append(" :").append(i.port);
        }
        line.append(' ').append(escape(headline(item, now))).append(" · ").append(when(item, now));
        line.append(about(item));
        return line.toString();
    }

    /** " — what happened (healer: ...)" for a problem; nothing more for good news. */
    private String about(Item item) {
        Incident i = item.incident();
        StringBuilder out = new StringBuilder();
        if (item.change() != Change.RESOLVED && item.change() != Change.QUICK) {
            String text = item.change() == Change.OPENED || item.change() == Change.NOTICE
                    ? detail(i.text, i, i.type, false) : detail(i.lastText, i, i.lastType, false);
            if (!text.isBlank()) {
                out.append(" — ").append(escape(shorten(text, SHORT_TEXT)));
            }
        }
        if (!i.actions.isEmpty()) {
            out.append(" (healer: ").append(escape(story(i.actions))).append(')');
        }
        return out.toString();
    }

    /**
     * The part of an alert's text the headline does not already say: "connection refused" of "macmini/x is down:
     * connection refused"; nothing of "heartbeat-bot is late"; the whole text when it reads otherwise.
     */
    static String detail(String text, Incident i, String type, boolean resolved) {
        if (text == null) {
            return "";
        }
        String phrase = resolved ? RESOLVED.get(type) : PROBLEM.get(type);
        String said = subject(i) + " " + phrase;
        String stripped = text.strip();
        if (phrase == null || !stripped.startsWith(said)) {
            return stripped;
        }
        String rest = stripped.substring(said.length());
        int colon = rest.indexOf(": ");
        return colon >= 0 ? rest.substring(colon + 2).strip() : "";
    }

    private String headline(Item item, Instant now) {
        Incident i = item.incident();
        String problem = PROBLEM.getOrDefault(i.type, i.type);
        String latest = i.lastType == null ? problem : PROBLEM.getOrDefault(i.lastType, i.lastType);
        return switch (item.change()) {
            case OPENED, NOTICE -> problem;
            case REOPENED -> latest + " again";
            case ESCALATED -> latest + " (now " + i.severity.name().toLowerCase(Locale.ROOT) + ")";
            case REMINDER -> latest.startsWith("is ") ? "is still " + latest.substring(3) : "still: " + latest;
            case RESOLVED, QUICK -> RESOLVED.getOrDefault(i.resolvedType, "is back to normal")
                    + (i.outageSeconds == null ? "" : " after " + human(Duration.ofSeconds(i.outageSeconds)));
        };
    }

    /** Since when (for a problem), or since when it was down (for good news). */
    private String when(Item item, Instant now) {
        Incident i = item.incident();
        return switch (item.change()) {
            case RESOLVED, QUICK -> "down since " + clock(i.since, now);
            default -> "since " + clock(i.since, now) + ", " + human(Duration.between(i.since, now)) + " ago";
        };
    }

    private static String folded(Incident i) {
        List<String> parts = new ArrayList<>();
        if (i.flaps > 0) {
            parts.add("it came back and failed again " + times(i.flaps));
        }
        if (i.repeats > 0) {
            parts.add("reported " + times(i.repeats + 1) + " in all");
        }
        return String.join("; ", parts);
    }

    /** "restarted twice, still down, gave up": runs of the same note told once, with a count. */
    static String story(List<String> notes) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < notes.size()) {
            int j = i;
            while (j < notes.size() && notes.get(j).equals(notes.get(i))) {
                j++;
            }
            int run = j - i;
            parts.add(run == 1 ? notes.get(i) : notes.get(i) + " " + times(run));
            i = j;
        }
        return String.join(", ", parts);
    }

    private static String times(int n) {
        return n == 1 ? "once" : n == 2 ? "twice" : n + " times";
    }

    private static String summary(List<Item> items) {
        int problems = 0;
        int resolved = 0;
        int reminders = 0;
        for (Item item : items) {
            switch (item.change()) {
                case RESOLVED, QUICK -> resolved++;
                case REMINDER -> reminders++;
                default -> problems++;
            }
        }
        List<String> parts = new ArrayList<>();
        if (problems > 0) {
            parts.add(problems + (problems == 1 ? " problem" : " problems"));
        }
        if (reminders > 0) {
            parts.add(reminders + " still open");
        }
        if (resolved > 0) {
            parts.add(resolved + " resolved");
        }
        return String.join(", ", parts);
    }

    private static Item worst(List<Item> items) {
        Item worst = items.get(0);
        for (Item item : items) {
            if (rank(item) > rank(worst)) {
                worst = item;
            }
        }
        return worst;
    }

    private static int rank(Item item) {
        return switch (item.change()) {
            case RESOLVED, QUICK -> 0;
            case REMINDER -> 1;
            default -> 2 + item.incident().severity.ordinal();
        };
    }

    private static String icon(Item item) {
        return switch (item.change()) {
            case RESOLVED, QUICK -> "✅";
            case REMINDER -> "⏰";
            default -> item.incident().severity == Severity.CRITICAL ? "🔴"
                    : item.incident().severity == Severity.WARNING ? "🟠" : "🔵";
        };
    }

    /** "macmini/aphos-server", "macmini", or what the key names ("git-auto-sync" of "checkin:git-auto-sync"). */
    static String subject(Incident i) {
        if (i.service != null && i.machine != null) {
            return i.machine + "/" + i.service;
        }
        if (i.machine != null && i.key.equals(i.machine)) {
            return i.machine;
        }
        int colon = i.key.indexOf(':');
        return colon >= 0 && colon < i.key.length() - 1 ? i.key.substring(colon + 1) : i.key;
    }

    /** 14:02 today, "Sat 14:02" this week, "1 Jun 14:02" before. */
    private String clock(Instant at, Instant now) {
        ZonedDateTime local = at.atZone(zone);
        LocalDate today = now.atZone(zone).toLocalDate();
        String pattern = local.toLocalDate().equals(today) ? "HH:mm"
                : local.toLocalDate().isAfter(today.minusDays(6)) ? "EEE HH:mm" : "d MMM HH:mm";
        return local.format(DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH));
    }

    /** 45s, 12m 30s, 2h 5m, 3d 4h. */
    static String human(Duration duration) {
        long s = Math.max(0, duration.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
        }
        if (s < 86_400) {
            return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + "m");
        }
        return s / 86_400 + "d" + (s % 86_400 / 3600 == 0 ? "" : " " + s % 86_400 / 3600 + "h");
    }

    private static String shorten(String text, int max) {
        String flat = text.strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }
}
