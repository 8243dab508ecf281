package dev.homefleet.controller.events;

import dev.homefleet.core.config.AlertsSpec.Severity;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened in the fleet. Events are facts: never changed once published.
 *
 * @param id       the store's sequence number, 0 until the store has written it
 * @param machine  the machine it is about, or null
 * @param service  the service it is about, or null (a check-in's or a job's name goes in {@code subject})
 * @param subject  what else it is about: a job, a check-in, a failover pair, a port ("macmini:2567"), or null
 * @param message  one sentence a person can act on
 * @param data     details (numbers, lists of errors, what the healer did); values are JSON-friendly
 */
public record FleetEvent(
        long id,
        EventType type,
        Instant ts,
        Severity severity,
        String machine,
        String service,
        String subject,
        String message,
        Map<String, Object> data) {

    public FleetEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(ts, "ts");
        severity = severity == null ? type.severity() : severity;
        message = message == null ? "" : message;
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public static Builder of(EventType type) {
        return new Builder(type);
    }

    public FleetEvent withId(long newId) {
        return new FleetEvent(newId, type, ts, severity, machine, service, subject, message, data);
    }

    /** "macmini/aphos-server-prod", "macmini", the subject, or "fleet". */
    public String target() {
        if (machine != null && service != null) {
            return machine + "/" + service;
        }
        return machine != null ? machine : subject != null ? subject : "fleet";
    }

    public static final class Builder {
        private final EventType type;
        private Instant ts;
        private Severity severity;
        private String machine;
        private String service;
        private String subject;
        private String message;
        private final Map<String, Object> data = new LinkedHashMap<>();

        private Builder(EventType type) {
            this.type = type;
        }

        public Builder at(Instant at) {
            this.ts = at;
            return this;
        }

        public Builder severity(Severity value) {
            this.severity = value;
            return this;
        }

        public Builder machine(String value) {
            this.machine = value;
            return this;
        }

        public Builder service(String machineName, String serviceName) {
            this.machine = machineName;
            this.service = serviceName;
            return this;
        }

        public Builder subject(String value) {
            this.subject = value;
            return this;
        }

        public Builder message(String value) {
            this.message = value;
            return this;
        }

        public Builder data(String key, Object value) {
            if (value != null) {
                data.put(key, value);
            }
            return this;
        }

        public FleetEvent build() {
            return new FleetEvent(0, type, ts == null ? Instant.now() : ts, severity, machine, service, subject,
                    message, data);
        }
    }
}
