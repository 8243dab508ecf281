package dev.homefleet.core.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.config.AlertsSpec.Day;
import dev.homefleet.core.config.AlertsSpec.Maintenance;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a maintenance window is open, and for whom. 2025-06-07 is a Saturday. */
class MaintenanceWindowsTest {

    private static final ZoneId LISBON = ZoneId.of("Europe/Lisbon"); // UTC+1 in June

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "2025-06-07T00:59:59Z, none",                  // Sat 01:59 Lisbon: before
            "2025-06-07T01:00:00Z, 2025-06-07T03:00:00Z",  // Sat 02:00 Lisbon: opens
            "2025-06-07T02:59:59Z, 2025-06-07T03:00:00Z",
            "2025-06-07T03:00:00Z, none",                  // Sat 04:00 Lisbon: closed
            "2025-06-08T01:30:00Z, 2025-06-08T03:00:00Z",  // Sunday too
            "2025-06-09T01:30:00Z, none"})                 // not on Monday
    void a_weekend_window_opens_on_its_days_between_from_and_to_in_its_zone(Instant now, Instant end) {
        Maintenance window = new Maintenance(List.of(Day.SAT, Day.SUN), "02:00", "04:00", null, "Europe/Lisbon",
                List.of(), List.of(), null);

        assertThat(new MaintenanceWindows(List.of(window), ZoneId.of("UTC")).heldUntil("macmini", "web", now))
                .isEqualTo(Optional.ofNullable(end));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "2025-06-06T21:59:00Z, none",                  // Fri 22:59 Lisbon
            "2025-06-06T22:00:00Z, 2025-06-07T00:00:00Z",  // Fri 23:00 Lisbon opens, closes Sat 01:00
            "2025-06-06T23:30:00Z, 2025-06-07T00:00:00Z",  // past midnight: still Friday's window
            "2025-06-07T00:00:00Z, none",
            "2025-06-07T22:30:00Z, none"})                 // Saturday is not a day of it
    void a_window_whose_to_is_before_from_runs_past_midnight(Instant now, Instant end) {
        Maintenance window = new Maintenance(List.of(Day.FRI), "23:00", "01:00", null, null, List.of(), List.of(),
                null);

        assertThat(new MaintenanceWindows(List.of(window), LISBON).heldUntil(null, null, now))
                .isEqualTo(Optional.ofNullable(end));
    }

    @ParameterizedTest(name = "{0}/{1} held: {2}")
    @CsvSource(nullValues = "none", value = {
            "macmini, aphos-server-dev, true",
            "macbook, aphos-server-dev, true",   // a bare name: on any machine
            "macmini, web, true",
            "macbook, web, false",               // macmini/web only
            "msi, none, true",                   // the machine itself
            "msi, clawdbot, true",               // and its services
            "macbook, none, false"})
    void a_window_holds_the_machines_and_services_it_names(String machine, String service, boolean held) {
        Maintenance window = new Maintenance(List.of(), "2025-06-07 14:00", null, "2025-06-07 16:00", "UTC",
                List.of("msi"), List.of("aphos-server-dev", "macmini/web"), null);

        assertThat(new MaintenanceWindows(List.of(window), LISBON)
                .heldUntil(machine, service, Instant.parse("2025-06-07T15:00:00Z")).isPresent()).isEqualTo(held);
    }
}
