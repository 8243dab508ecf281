package dev.homefleet.controller.init;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Scalars written so that YAML reads back exactly the text: plain when that is safe, double-quoted otherwise. Plain
 * is refused for anything YAML would read as something else (a number, a boolean, null) and for any character with
 * a meaning in YAML.
 */
final class YamlText {

    private static final Pattern PLAIN = Pattern.compile(
            "[A-Za-z0-9_./~][A-Za-z0-9_./~@+=():-]*(?: [A-Za-z0-9_./~@+=():-]+)*");
    /** What YAML 1.1 (SnakeYAML, under Jackson) reads as an int, a float or a timestamp; lowercase. */
    private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?(0b[01_]+|0x[0-9a-f_]+|[0-9][0-9_]*(\\.[0-9_]*)?"
            + "(e[-+]?[0-9]+)?|\\.[0-9_]+(e[-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?|\\.(inf|nan))"
            + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null", "~");

    private YamlText() {}

    static String scalar(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (PLAIN.matcher(text).matches() && !text.contains(": ") && !text.endsWith(":")
                && !NUMBER_LIKE.matcher(lower).matches() && !RESERVED.contains(lower)) {
            return text;
        }
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> quoted.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
            }
        }
        return quoted.append('"').toString();
    }

    /** A flow list, {@code [a, "b c"]}: every item is a scalar above, none of which holds a comma unquoted. */
    static String list(List<String> items) {
        return items.stream().map(YamlText::scalar).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Text for a comment: one line, no control characters. */
    static String comment(String text) {
        return text.replaceAll("\\p{Cntrl}+", " ").strip();
    }
}
