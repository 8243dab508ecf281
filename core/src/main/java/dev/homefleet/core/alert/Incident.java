package dev.homefleet.core.alert;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.homefleet.core.config.AlertsSpec.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the alerts of one key have said so far, and what the chat has been told of it. Kept in the alert
 * database (as JSON), so a restarted controller still folds, resolves and reminds what it told before.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
final class Incident {

    /** What the chat believes about it. */
    enum Told {
        /** Nothing yet. */
        NONE,
        /** That it is open (it was announced). */
        OPEN,
        /** That it is over (or, for a notice, that it happened). */
        RESOLVED
    }

    String key;
    /** The type of the first alert, and of the latest problem. */
    String type;
    String lastType;
    Severity severity;
    String machine;
    String service;
    Integer port;
    /** What happened first, and most recently. */
    String text;
    String lastText;
    String hint;
    /** When the open period the chat is told about began. */
    Instant since;
    boolean notice;
    boolean open;
    /** Alerts folded in since the last message. */
    int repeats;
    /** Times it came back and went wrong again since the last message. */
    int flaps;
    /** What was done about it, in order (the healer's notes). */
    List<String> actions = new ArrayList<>();
    String resolvedType;
    String resolvedText;
    Instant resolvedAt;
    Long outageSeconds;

    Told told = Told.NONE;
    Severity toldSeverity;
    Instant toldAt;
    /** When a message about it is to be composed; null when there is nothing new to tell. */
    Instant due;
    /** Held back by a maintenance window at least once since the last message. */
    boolean held;
    Instant remindAt;

    static Incident opened(Alert alert, Instant due) {
        Incident incident = new Incident();
        incident.key = alert.key();
        incident.type = alert.type();
        incident.lastType = alert.type();
        incident.severity = alert.severity();
        incident.machine = alert.machine();
        incident.service = alert.service();
        incident.port = alert.port();
        incident.text = alert.text();
        incident.lastText = alert.text();
        incident.hint = alert.hint();
        incident.since = alert.at();
        incident.notice = alert.kind() == Alert.Kind.NOTICE;
        incident.open = !incident.notice;
        incident.due = due;
        if (alert.kind() == Alert.Kind.ACTION && alert.note() != null) {
            incident.actions.add(alert.note());
        }
        return incident;
    }

    Incident copy() {
        Incident c = new Incident();
        c.key = key;
        c.type = type;
        c.lastType = lastType;
        c.severity = severity;
        c.machine = machine;
        c.service = service;
        c.port = port;
        c.text = text;
        c.lastText = lastText;
        c.hint = hint;
        c.since = since;
        c.notice = notice;
        c.open = open;
        c.repeats = repeats;
        c.flaps = flaps;
        c.actions = new ArrayList<>(actions);
        c.resolvedType = resolvedType;
        c.resolvedText = resolvedText;
        c.resolvedAt = resolvedAt;
        c.outageSeconds = outageSeconds;
        c.told = told;
        c.toldSeverity = toldSeverity;
        c.toldAt = toldAt;
        c.due = due;
        c.held = held;
        c.remindAt = remindAt;
        return c;
    }

    boolean escalated() {
        return told == Told.OPEN && toldSeverity != null && severity.compareTo(toldSeverity) > 0;
    }

    static Severity max(Severity a, Severity b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
