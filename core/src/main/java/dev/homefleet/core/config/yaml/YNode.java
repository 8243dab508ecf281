package dev.homefleet.core.config.yaml;

import java.util.List;
import java.util.Map;

/** A YAML node that remembers where it was written, so every error can point at its line and column. */
public sealed interface YNode {

    Location location();

    /** A word for error messages: "a mapping", "a list", "the number 70000". */
    String describe();

    record YMap(Map<String, Entry> entries, Location location) implements YNode {
        public record Entry(String key, Location keyLocation, YNode value) {}

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record YList(List<YNode> items, Location location) implements YNode {
        @Override
        public String describe() {
            return "a list";
        }
    }

    record YScalar(String text, Kind kind, Location location) implements YNode {
        public enum Kind { STRING, INTEGER, DECIMAL, BOOLEAN, NULL }

        @Override
        public String describe() {
            return switch (kind) {
                case STRING -> text.isEmpty() ? "an empty string" : "the text \"" + abbreviate(text) + "\"";
                case INTEGER, DECIMAL -> "the number " + text;
                case BOOLEAN -> "the boolean " + text;
                case NULL -> "nothing";
            };
        }

        private static String abbreviate(String text) {
            String oneLine = text.replace("\n", "\\n");
            return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 37) + "...";
        }
    }
}
