package dev.homefleet.core.alert;

import dev.homefleet.core.config.AlertsSpec.Severity;
import java.time.Instant;

/** Alerts as the controller raises them, for tests. */
final class Alerts {
    private Alerts() {}

    static Alert down(String machine, String service, Integer port, Instant at) {
        return Alert.problem(machine + "/" + service, "service.down").severity(Severity.CRITICAL)
                .service(machine, service).port(port).at(at)
                .text(machine + "/" + service + " is down: connection refused (3 failed checks in a row)").build();
    }

    static Alert up(String machine, String service, Instant at, long outageSeconds) {
        return Alert.resolved(machine + "/" + service, "service.up").severity(Severity.INFO)
                .service(machine, service).at(at).detail("outage_s", outageSeconds)
                .text(machine + "/" + service + " is up again after " + outageSeconds + "s down: 200 in 12 ms").build();
    }

    static Alert healer(String machine, String service, Instant at, String note, Severity severity) {
        return Alert.action(machine + "/" + service, note.contains("gave up") ? "service.gave-up" : "service.restarted")
                .severity(severity).service(machine, service).at(at).note(note)
                .text(machine + "/" + service + " was down; the healer " + note).build();
    }

    static Alert machineDown(String machine, Instant at) {
        return Alert.problem(machine, "machine.down").severity(Severity.CRITICAL).machine(machine).at(at)
                .text(machine + " does not answer: connect timed out").build();
    }

    static Alert machineUp(String machine, Instant at) {
        return Alert.resolved(machine, "machine.up").severity(Severity.INFO).machine(machine).at(at)
                .text(machine + " answers again").build();
    }
}
