package dev.homefleet.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.homefleet.core.config.FleetJson;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The wire format: one JSON object per line.
 * <pre>
 * request  {"id":"5f3a-1","action":"status","data":{...}}
 * answer   {"id":"5f3a-1","status":"ok","data":...}
 *          {"id":"5f3a-1","status":"error","error":{"code":"unknown_action","message":"..."}}
 * </pre>
 * Values are written the way the rest of homefleet writes JSON ({@link FleetJson}), on one line.
 */
final class Envelope {

    static final ObjectMapper JSON = FleetJson.json()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Envelope() {}

    static byte[] request(String id, String action, Object data) {
        ObjectNode request = JSON.createObjectNode();
        request.put("id", id);
        request.put("action", action);
        request.set("data", data == null ? JSON.createObjectNode() : JSON.valueToTree(data));
        return bytes(request);
    }

    /** @throws IllegalArgumentException when Jackson cannot serialize {@code data} */
    static byte[] ok(JsonNode id, Object data) {
        ObjectNode answer = JSON.createObjectNode();
        answer.set("id", orNull(id));
        answer.put("status", "ok");
        answer.set("data", JSON.valueToTree(data));
        return bytes(answer);
    }

    static byte[] error(JsonNode id, String code, String message) {
        ObjectNode answer = JSON.createObjectNode();
        answer.set("id", orNull(id));
        answer.put("status", "error");
        ObjectNode error = answer.putObject("error");
        error.put("code", code);
        error.put("message", message);
        return bytes(answer);
    }

    static JsonNode parse(byte[] line) throws IOException {
        return JSON.readTree(line);
    }

    private static JsonNode orNull(JsonNode id) {
        return id == null ? NullNode.getInstance() : id;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
