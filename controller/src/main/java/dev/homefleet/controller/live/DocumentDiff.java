package dev.homefleet.controller.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The depth-2 diff of two fleet documents that the {@code state} topic sends, and the merge a client does with it.
 * A phone should not download a thousand services because one of them went down, yet the client must stay simple:
 * the collections keyed by name send only the entries that changed (a removed one as null), everything else is
 * replaced whole.
 */
public final class DocumentDiff {

    /** The top-level parts whose entries are merged one by one; the rest are replaced whole. */
    public static final Set<String> KEYED = Set.of("machines", "jobs", "checkins", "failover");

    private DocumentDiff() {}

    /** What changed from {@code before} to {@code after}; empty when nothing did. */
    public static ObjectNode diff(JsonNode before, JsonNode after) {
        ObjectNode delta = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode old = before.get(key);
            JsonNode now = field.getValue();
            if (now.equals(old)) {
                continue;
            }
            if (KEYED.contains(key) && now.isObject() && old != null && old.isObject()) {
                delta.set(key, entries(old, now));
            } else {
                delta.set(key, now);
            }
        }
        for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!after.has(key)) {
                delta.putNull(key);
            }
        }
        return delta;
    }

    private static ObjectNode entries(JsonNode before, JsonNode after) {
        ObjectNode changed = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().equals(before.get(entry.getKey()))) {
                changed.set(entry.getKey(), entry.getValue());
            }
        }
        for (Iterator<String> it = before.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!after.has(name)) {
                changed.putNull(name);
            }
        }
        return changed;
    }

    /**
     * Applies a delta as the dashboard does: keyed parts merge entry by entry (null deletes), the rest replace.
     * Returns a new document; {@code document} is left alone.
     */
    public static ObjectNode merge(JsonNode document, JsonNode delta) {
        ObjectNode merged = document.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = delta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            JsonNode current = merged.get(key);
            if (value.isNull()) {
                merged.remove(key);
            } else if (KEYED.contains(key) && current != null && current.isObject() && value.isObject()) {
                ObjectNode entries = (ObjectNode) current;
                for (Iterator<Map.Entry<String, JsonNode>> e = value.fields(); e.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = e.next();
                    if (entry.getValue().isNull()) {
                        entries.remove(entry.getKey());
                    } else {
                        entries.set(entry.getKey(), entry.getValue());
                    }
                }
            } else {
                merged.set(key, value);
            }
        }
        return merged;
    }
}
