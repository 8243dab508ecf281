package dev.homefleet.core.metrics.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON that a PowerShell script prints with ConvertTo-Json, read back: it starts at the first line that opens an
 * object or array (a banner may come before). ConvertTo-Json writes a one-element collection as a bare object and
 * an empty pipeline as nothing, so {@link #elements} takes an array, an object or nothing alike.
 */
final class PowerShellJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String what;
    private final int line;
    private final JsonNode root;

    private PowerShellJson(String what, int line, JsonNode root) {
        this.what = what;
        this.line = line;
        this.root = root;
    }

    /**
     * @param what names the output in messages: {@code Windows metrics sweep}
     * @return empty root ({@code MissingNode}) when the output holds no JSON at all and {@code required} is false
     */
    static PowerShellJson read(String output, String what, boolean required) {
        String[] lines = output.replace("\uFEFF", "").split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String text = lines[i].strip();
            if (text.startsWith("{") || text.startsWith("[")) {
                String json = String.join("\n", List.of(lines).subList(i, lines.length));
                try {
                    return new PowerShellJson(what, i + 1, MAPPER.readTree(json));
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException(what + ", line " + (i + 1) + ": the JSON does not parse ("
                            + e.getOriginalMessage() + "): " + Sections.quote(text));
                }
            }
        }
        if (required) {
            throw new IllegalArgumentException(what + ": no JSON object in the output; it starts "
                    + Sections.quote(output.strip().lines().findFirst().orElse("").strip()));
        }
        return new PowerShellJson(what, 0, MAPPER.missingNode());
    }

    JsonNode root() {
        return root;
    }

    /** The objects of an array, a lone object as a list of one, nothing as an empty list. */
    List<JsonNode> elements(JsonNode node, String field) {
        List<JsonNode> elements = new ArrayList<>();
        if (node == null || node.isMissingNode() || node.isNull()) {
            return elements;
        }
        if (node.isObject() && node.size() == 2 && node.path("value").isArray() && node.has("Count")) {
            // Windows PowerShell 5.1 writes an array as {"value":[...],"Count":n} when a module has extended
            // System.Array with a Count property.
            return elements(node.get("value"), field);
        }
        if (node.isObject()) {
            elements.add(node);
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (!element.isObject()) {
                    throw malformed(field, "objects", element);
                }
                elements.add(element);
            }
        } else {
            throw malformed(field, "an object or an array of objects", node);
        }
        return elements;
    }

    /** A whole number, or -1 when the property is absent or null. */
    long number(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw malformed(field, "a whole number", value);
        }
        return value.asLong();
    }

    /** Any number, or -1 when the property is absent or null. */
    double decimal(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return -1;
        }
        if (!value.isNumber()) {
            throw malformed(field, "a number", value);
        }
        return value.asDouble();
    }

    /** A string, or null when the property is absent or null. */
    String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw malformed(field, "a string", value);
        }
        return value.asText();
    }

    IllegalArgumentException malformed(String field, String expected, JsonNode value) {
        return new IllegalArgumentException(what + ", JSON starting at line " + line + ": " + field + " should be "
                + expected + ", got " + shorten(value.toString()));
    }

    private static String shorten(String json) {
        return json.length() > 200 ? json.substring(0, 200) + "..." : json;
    }
}
