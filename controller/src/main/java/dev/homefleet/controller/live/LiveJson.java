package dev.homefleet.controller.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.config.FleetJson;

/**
 * The JSON of the live messages: {@code {"type":...,"ts":<epoch millis>,"data":{...}}}, spelled as the rest of the
 * API spells things (snake_case, ISO-8601 instants, lowercase enums).
 */
public final class LiveJson {

    static final ObjectMapper MAPPER = FleetJson.json().disable(SerializationFeature.INDENT_OUTPUT);

    private LiveJson() {}

    /**
     * An event as the {@code events} topic and the API show it: id, type, ts, machine, service, subject, severity,
     * message, data.
     */
    public static ObjectNode event(FleetEvent event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", event.id());
        node.put("type", event.type().wire());
        node.put("ts", event.ts().toString());
        node.put("machine", event.machine());
        node.put("service", event.service());
        node.put("subject", event.subject());
        node.set("severity", MAPPER.valueToTree(event.severity()));
        node.put("message", event.message());
        node.set("data", MAPPER.valueToTree(event.data()));
        return node;
    }

    /** One message, ready to send to any number of clients. */
    static String message(String type, long ts, JsonNode data) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", type);
        node.put("ts", ts);
        node.set("data", data == null ? MAPPER.createObjectNode() : data);
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a " + type + " message: " + e.getOriginalMessage(), e);
        }
    }

    static ObjectNode error(String code, String message) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("code", code);
        data.put("message", message);
        return data;
    }
}
