package dev.homefleet.core.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A field of a JSON document named by a dotted path, as {@code json_field} writes it: {@code status.state},
 * {@code items.0.name} (a number indexes an array).
 */
final class JsonField {

    private JsonField() {}

    /** The field's value as text ({@code ok}, {@code true}, {@code 3}, {@code null}), or empty when it is absent. */
    static Optional<String> text(JsonNode document, String path) {
        JsonNode node = document;
        for (String segment : path.split("\\.", -1)) {
            if (node.isArray() && segment.matches("\\d{1,9}")) {
                node = node.get(Integer.parseInt(segment));
            } else if (node.isObject()) {
                node = node.get(segment);
            } else {
                return Optional.empty();
            }
            if (node == null) {
                return Optional.empty();
            }
        }
        return Optional.of(node.isValueNode() || node.isNull() ? node.asText() : node.toString());
    }
}
