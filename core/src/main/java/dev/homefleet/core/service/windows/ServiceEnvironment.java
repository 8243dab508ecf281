package dev.homefleet.core.service.windows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Windows service's own environment: the REG_MULTI_SZ value {@code Environment} under
 * {@code HKLM\SYSTEM\CurrentControlSet\Services\NAME}, one {@code NAME=value} string per variable, which the
 * Service Control Manager adds to the environment it starts the service with.
 */
final class ServiceEnvironment {

    private ServiceEnvironment() {}

    /** The variables in the JSON array of strings the read script prints; strings without a name are skipped. */
    static Map<String, String> parse(String output) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode entry : JsonArrays.elements(output, "the service's Environment registry value")) {
            if (!entry.isTextual()) {
                throw new IllegalArgumentException("the Environment registry value holds " + entry
                        + ", not a string");
            }
            String text = entry.asText();
            int equals = text.indexOf('=');
            if (equals > 0) {
                environment.put(text.substring(0, equals), text.substring(equals + 1));
            }
        }
        return Collections.unmodifiableMap(environment);
    }

    /** The REG_MULTI_SZ strings for {@code environment}, after checking every name and value can be stored. */
    static List<String> entries(Map<String, String> environment) {
        List<String> entries = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable name '" + name + "' cannot be stored:"
                        + " a Windows variable name is not empty and holds no '=' and no NUL");
            }
            if (value == null || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable " + name + " cannot be stored: its value"
                        + (value == null ? " is null" : " holds a NUL, which ends a REG_MULTI_SZ string"));
            }
            entries.add(name + "=" + value);
        });
        return entries;
    }
}
