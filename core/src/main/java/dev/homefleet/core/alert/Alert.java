package dev.homefleet.core.alert;

import dev.homefleet.core.config.AlertsSpec.Severity;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something a person may need to hear about, in the notifier's terms. The controller adapts its fleet events to
 * alerts and the failover watchdog raises them directly, so both speak to Telegram the same way.
 *
 * @param key      what the alert is about, the same for every alert of one incident: {@code macmini/aphos-server}
 *                 for a service, {@code macmini} for a machine, {@code checkin:git-auto-sync} ...
 * @param type     the event type on the wire ({@code service.down}); {@code alerts.telegram.events} filters on it
 * @param machine  the machine it is about, or null
 * @param service  the service it is about, or null
 * @param port     the service's port, or null
 * @param text     what happened, one sentence a person can act on
 * @param note     for an {@link Kind#ACTION}: what was done, short, as it reads in "the healer: restarted, still
 *                 down, gave up"; otherwise null
 * @param hint     what the person can do about it ("fix it, then: fleet restart macmini/x"), or null
 * @param at       when it happened
 * @param details  facts for the message: {@code down_since} (an instant or its text), {@code outage_s} (seconds)
 */
public record Alert(
        String key,
        Kind kind,
        Severity severity,
        String type,
        String machine,
        String service,
        Integer port,
        String text,
        String note,
        String hint,
        Instant at,
        Map<String, Object> details) {

    /** How an alert changes its incident. */
    public enum Kind {
        /** Something is wrong until a {@link #RESOLVED} alert with the same key says it no longer is. */
        PROBLEM,
        /** Something happened that has no "resolved" (a port conflict found, a config rejected). */
        NOTICE,
        /** Something was done about an open incident (the healer restarted the service): folded into it. */
        ACTION,
        /** The incident with this key is over. */
        RESOLVED
    }

    public Alert {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        severity = severity == null ? Severity.WARNING : severity;
        text = text == null ? "" : text;
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public boolean resolved() {
        return kind == Kind.RESOLVED;
    }

    public static Builder problem(String key, String type) {
        return new Builder(key, Kind.PROBLEM, type);
    }

    public static Builder notice(String key, String type) {
        return new Builder(key, Kind.NOTICE, type);
    }

    public static Builder action(String key, String type) {
        return new Builder(key, Kind.ACTION, type);
    }

    public static Builder resolved(String key, String type) {
        return new Builder(key, Kind.RESOLVED, type);
    }

    public static final class Builder {
        private final String key;
        private final Kind kind;
        private final String type;
        private Severity severity;
        private String machine;
        private String service;
        private Integer port;
        private String text;
        private String note;
        private String hint;
        private Instant at;
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Builder(String key, Kind kind, String type) {
            this.key = key;
            this.kind = kind;
            this.type = type;
        }

        public Builder severity(Severity value) {
            severity = value;
            return this;
        }

        public Builder machine(String value) {
            machine = value;
            return this;
        }

        public Builder service(String machineName, String serviceName) {
            machine = machineName;
            service = serviceName;
            return this;
        }

        public Builder port(Integer value) {
            port = value;
            return this;
        }

        public Builder text(String value) {
            text = value;
            return this;
        }

        public Builder note(String value) {
            note = value;
            return this;
        }

        public Builder hint(String value) {
            hint = value;
            return this;
        }

        public Builder at(Instant value) {
            at = value;
            return this;
        }

        public Builder detail(String name, Object value) {
            if (value != null) {
                details.put(name, value);
            }
            return this;
        }

        public Alert build() {
            return new Alert(key, kind, severity, type, machine, service, port, text, note, hint,
                    at == null ? Instant.now() : at, details);
        }
    }
}
