package dev.homefleet.controller.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.core.config.AlertsSpec.Severity;
import dev.homefleet.core.config.FleetJson;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FleetEventTest {

    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void an_event_takes_its_types_severity_unless_told_and_never_has_a_null_message_or_data() {
        FleetEvent event = FleetEvent.of(EventType.SERVICE_DOWN).at(AT).service("macmini", "ollama").build();

        assertThat(event.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(event.message()).isEmpty();
        assertThat(event.data()).isEmpty();
        assertThat(event.id()).isZero();
        assertThat(FleetEvent.of(EventType.SERVICE_DOWN).severity(Severity.INFO).build().severity())
                .isEqualTo(Severity.INFO);
    }

    @Test
    void data_leaves_out_nulls_keeps_its_order_and_cannot_change_afterwards() {
        Map<String, Object> source = new HashMap<>();
        FleetEvent event = FleetEvent.of(EventType.JOB_FINISHED).at(AT).subject("cleaner").data("run", 7L)
                .data("skipped", null).data("details", List.of("a")).data("duration_ms", 12L).build();
        FleetEvent fromRecord = new FleetEvent(0, EventType.JOB_FINISHED, AT, null, null, null, null, null, source);
        source.put("late", true);

        assertThat(event.data()).containsExactly(Map.entry("run", 7L), Map.entry("details", List.of("a")),
                Map.entry("duration_ms", 12L));
        assertThatThrownBy(() -> event.data().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(fromRecord.data()).as("a copy, not a view").isEmpty();
    }

    @Test
    void the_target_is_machine_slash_service_the_machine_the_subject_or_the_fleet() {
        assertThat(FleetEvent.of(EventType.SERVICE_UP).service("macmini", "ollama").build().target())
                .isEqualTo("macmini/ollama");
        assertThat(FleetEvent.of(EventType.MACHINE_DOWN).machine("msi").build().target()).isEqualTo("msi");
        assertThat(FleetEvent.of(EventType.JOB_FAILED).subject("heartbeat").build().target()).isEqualTo("heartbeat");
        assertThat(FleetEvent.of(EventType.CONTROLLER_STARTED).build().target()).isEqualTo("fleet");
    }

    @Test
    void with_id_changes_only_the_id() {
        FleetEvent event = FleetEvent.of(EventType.PORT_CONFLICT).at(AT).subject("macmini:2567").message("taken")
                .data("pids", List.of(1, 2)).build();
        FleetEvent recorded = event.withId(42);

        assertThat(recorded.id()).isEqualTo(42);
        assertThat(recorded.withId(0)).isEqualTo(event);
    }

    @Test
    void a_type_and_a_timestamp_are_required() {
        assertThatThrownBy(() -> new FleetEvent(0, null, AT, null, null, null, null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("type");
        assertThatThrownBy(() -> new FleetEvent(0, EventType.MACHINE_UP, null, null, null, null, null, null, null))
                .isInstanceOf(NullPointerException.class).hasMessage("ts");
    }

    @Test
    void as_json_types_are_their_wire_names_and_severities_lowercase() throws Exception {
        FleetEvent event = FleetEvent.of(EventType.SERVICE_GAVE_UP).at(AT).service("macmini", "ollama")
                .message("gave up").data("restarts", 3).build().withId(9);

        JsonNode json = FleetJson.json().valueToTree(event);

        assertThat(json.path("type").asText()).isEqualTo("service.gave-up");
        assertThat(json.path("severity").asText()).isEqualTo("critical");
        assertThat(json.path("ts").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(json.path("id").asLong()).isEqualTo(9);
        assertThat(json.path("data").path("restarts").asInt()).isEqualTo(3);
        assertThat(FleetJson.json().writeValueAsString(EventType.SERVICE_DOWN)).isEqualTo("\"service.down\"");
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void every_type_reads_back_from_its_wire_name(EventType type) throws Exception {
        assertThat(EventType.fromWire(type.wire())).isEqualTo(type);
        assertThat(FleetJson.json().readValue("\"" + type.wire() + "\"", EventType.class)).isEqualTo(type);
        assertThat(type.toString()).isEqualTo(type.wire()).matches("[a-z]+\\.[a-z-]+");
    }

    @Test
    void an_unknown_wire_name_is_refused_listing_the_known_ones() {
        assertThatThrownBy(() -> EventType.fromWire("service.exploded"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'service.exploded' is not an event type; use one of machine.up, machine.down, ")
                .hasMessageContaining("service.gave-up");
    }
}
