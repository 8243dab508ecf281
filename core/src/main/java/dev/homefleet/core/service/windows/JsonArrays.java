package dev.homefleet.core.service.windows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * A list that a script printed with {@code ConvertTo-Json -InputObject @(...)}: an array, or, should a PowerShell
 * unroll it, a lone value or nothing at all.
 */
final class JsonArrays {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonArrays() {}

    /** The elements, nulls left out; {@code what} names the output in messages. */
    static List<JsonNode> elements(String output, String what) {
        String text = output.replace("\uFEFF", "").strip();
        int start = firstJson(text);
        if (start < 0) {
            return List.of();
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text.substring(start));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(what + ": the JSON does not parse (" + e.getOriginalMessage() + ")");
        }
        List<JsonNode> elements = new ArrayList<>();
        if (root.isObject() && root.size() == 2 && root.path("value").isArray() && root.has("Count")) {
            // Windows PowerShell 5.1 writes an array as {"value":[...],"Count":n} when a module extended System.Array.
            root = root.get("value");
        }
        if (root.isArray()) {
            root.forEach(element -> {
                if (!element.isNull()) {
                    elements.add(element);
                }
            });
        } else if (!root.isNull() && !root.isMissingNode()) {
            elements.add(root);
        }
        return elements;
    }

    private static int firstJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '[' || c == '{' || c == '"') {
                return i;
            }
        }
        return -1;
    }
}
