package dev.homefleet.core.service.windows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * What {@code Get-Service -Name NAME | Select-Object Name,DisplayName,Status,StartType | ConvertTo-Json} prints,
 * read back. Status and StartType are enums, which ConvertTo-Json writes as numbers in Windows PowerShell 5.1 and
 * PowerShell 7.5, and as names in PowerShell 7.0 to 7.4 (PowerShell/PowerShell#24386); both read the same.
 *
 * @param startType Automatic, Manual, Disabled, Boot or System; null when the output has none
 */
record GetServiceJson(String name, String displayName, WindowsStatus status, String startType) {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** .NET's ServiceStartMode, by value. */
    private static final List<String> START_MODES = List.of("Boot", "System", "Automatic", "Manual", "Disabled");

    /** Reads the first JSON object in {@code output}; lines before it (a banner) are skipped. */
    static GetServiceJson parse(String output) {
        JsonNode root = read(output);
        if (!root.isObject()) {
            throw new IllegalArgumentException("Get-Service printed " + shorten(root.toString())
                    + ", not one JSON object");
        }
        String name = text(root, "Name");
        if (name == null) {
            throw new IllegalArgumentException("Get-Service printed an object without a Name: "
                    + shorten(root.toString()));
        }
        JsonNode status = root.get("Status");
        if (status == null || status.isNull()) {
            throw new IllegalArgumentException("Get-Service printed no Status for " + name);
        }
        return new GetServiceJson(name, text(root, "DisplayName"), status(status), startType(root.get("StartType")));
    }

    private static JsonNode read(String output) {
        String text = output.replace("\uFEFF", "");
        int start = text.indexOf('{');
        if (start < 0) {
            throw new IllegalArgumentException("Get-Service printed no JSON object: " + shorten(text.strip()));
        }
        try {
            return MAPPER.readTree(text.substring(start));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Get-Service's JSON does not parse (" + e.getOriginalMessage() + "): "
                    + shorten(text.substring(start).strip()));
        }
    }

    private static WindowsStatus status(JsonNode value) {
        if (value.isIntegralNumber()) {
            return WindowsStatus.ofCode(value.asLong());
        }
        if (value.isTextual()) {
            return WindowsStatus.ofName(value.asText());
        }
        throw new IllegalArgumentException("Get-Service's Status should be a number or a name, got " + value);
    }

    private static String startType(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber()) {
            int mode = value.asInt();
            if (mode < 0 || mode >= START_MODES.size()) {
                throw new IllegalArgumentException("unknown StartType " + mode + "; .NET knows 0 (Boot) to 4"
                        + " (Disabled)");
            }
            return START_MODES.get(mode);
        }
        if (value.isTextual()) {
            return value.asText();
        }
        throw new IllegalArgumentException("Get-Service's StartType should be a number or a name, got " + value);
    }

    private static String text(JsonNode object, String field) {
        JsonNode value = object.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String shorten(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
