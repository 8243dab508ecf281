package dev.homefleet.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/** Which keys hold secrets, and how to blank them out of anything shown to a person. */
public final class Secrets {

    public static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_KEY =
            Pattern.compile("(?i).*(password|passwd|secret|token|api_?key|private_?key|credential).*");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}|file:.+");

    private Secrets() {}

    public static boolean looksSecret(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    public static boolean isReference(String value) {
        return REFERENCE.matcher(value.strip()).matches();
    }

    /** Replaces, in place, every value under a secret-looking key that is not a ${ENV} or file: reference. */
    public static JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                JsonNode value = field.getValue();
                if (value.isValueNode() && !value.isNull() && looksSecret(field.getKey())
                        && !isReference(value.asText())) {
                    field.setValue(object.textNode(REDACTED));
                } else {
                    redact(value);
                }
            });
        } else if (node instanceof ArrayNode array) {
            array.forEach(Secrets::redact);
        }
        return node;
    }
}
