package dev.homefleet.core.config.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML text with Jackson's streaming YAML parser into a {@link YNode} tree that keeps the line and
 * column of every key and value. Duplicate keys, aliases and several documents in one file are refused.
 */
public final class YamlReader {

    private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

    private YamlReader() {}

    /** @return the root node, or empty when the document holds nothing at all */
    public static Optional<YNode> read(String text) throws YamlSyntaxException {
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            YNode root = readValue(parser, text);
            JsonToken next = parser.nextToken();
            if (next != null) {
                throw new YamlSyntaxException(
                        "a second YAML document starts here; a fleet file holds one document, remove the '---' line",
                        documentMarkerBefore(text, at(parser.currentTokenLocation())));
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            throw syntaxError(e);
        } catch (IOException e) {
            throw new YamlSyntaxException("could not read YAML: " + e.getMessage(), Location.NONE);
        }
    }

    private static YNode readValue(YAMLParser parser, String source) throws IOException, YamlSyntaxException {
        Location location = at(parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        if (parser.isCurrentAlias()) {
            throw new YamlSyntaxException(
                    "YAML aliases (*" + parser.getText() + ") are not supported in a fleet file; write the value out",
                    location);
        }
        return switch (token) {
            case START_OBJECT -> readMap(parser, source, location);
            case START_ARRAY -> readList(parser, source, location);
            case VALUE_STRING -> parser.getText().isEmpty() && !quoted(source, parser)
                    ? new YNode.YScalar("", YNode.YScalar.Kind.NULL, location) // "key:" with nothing is null
                    : new YNode.YScalar(parser.getText(), YNode.YScalar.Kind.STRING, location);
            case VALUE_NUMBER_INT -> new YNode.YScalar(parser.getText(), YNode.YScalar.Kind.INTEGER, location);
            case VALUE_NUMBER_FLOAT -> new YNode.YScalar(parser.getText(), YNode.YScalar.Kind.DECIMAL, location);
            // keep the word as written (yes, on, true) so a text field given "no" stays "no"
            case VALUE_TRUE, VALUE_FALSE -> new YNode.YScalar(parser.getText(), YNode.YScalar.Kind.BOOLEAN, location);
            case VALUE_NULL -> new YNode.YScalar("", YNode.YScalar.Kind.NULL, location);
            case VALUE_EMBEDDED_OBJECT -> throw new YamlSyntaxException(
                    "binary and other tagged values are not supported in a fleet file", location);
            default -> throw new YamlSyntaxException("unexpected YAML token " + token, location);
        };
    }

    /** The last '---' line at or before {@code seen}: where the second document really starts. */
    private static Location documentMarkerBefore(String source, Location seen) {
        List<String> lines = source.lines().toList();
        int last = seen.line() < 1 ? lines.size() : Math.min(seen.line(), lines.size());
        for (int line = last; line >= 1; line--) {
            if (lines.get(line - 1).startsWith("---")) {
                return new Location(line, 1);
            }
        }
        return seen;
    }

    private static boolean quoted(String source, YAMLParser parser) {
        long offset = parser.currentTokenLocation().getCharOffset();
        if (offset < 0 || offset >= source.length()) {
            return false;
        }
        char first = source.charAt((int) offset);
        return first == '"' || first == '\'';
    }

    private static YNode readMap(YAMLParser parser, String source, Location location) throws IOException, YamlSyntaxException {
        Map<String, YNode.YMap.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Location keyLocation = at(parser.currentTokenLocation());
            parser.nextToken();
            YNode value = readValue(parser, source);
            YNode.YMap.Entry previous = entries.get(key);
            if (previous != null) {
                throw new YamlSyntaxException("duplicate key '" + key + "' (first written on line "
                        + previous.keyLocation().line() + "); keep one of them", keyLocation);
            }
            entries.put(key, new YNode.YMap.Entry(key, keyLocation, value));
        }
        return new YNode.YMap(entries, location);
    }

    private static YNode readList(YAMLParser parser, String source, Location location) throws IOException, YamlSyntaxException {
        List<YNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser, source));
        }
        return new YNode.YList(items, location);
    }

    private static Location at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return Location.NONE;
        }
        return new Location(location.getLineNr(), Math.max(1, location.getColumnNr()));
    }

    private static YamlSyntaxException syntaxError(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            Mark problem = marked.getProblemMark();
            StringBuilder message = new StringBuilder("YAML syntax: ").append(clean(marked.getProblem()));
            Mark context = marked.getContextMark();
            if (marked.getContext() != null) {
                message.append(" (").append(clean(marked.getContext()));
                if (context != null) {
                    message.append(" started on line ").append(context.getLine() + 1)
                            .append(", column ").append(context.getColumn() + 1);
                }
                message.append(')');
            }
            return new YamlSyntaxException(message.toString(),
                    new Location(problem.getLine() + 1, problem.getColumn() + 1));
        }
        String original = e.getOriginalMessage() == null ? "not valid YAML" : e.getOriginalMessage();
        return new YamlSyntaxException("YAML syntax: " + clean(original.lines().findFirst().orElse(original)),
                at(e.getLocation()));
    }

    private static String clean(String text) {
        if (text.contains("(TAB)")) {
            return "a tab cannot be used for indentation; indent with spaces";
        }
        return text.replaceAll("\\s+", " ").strip();
    }
}
