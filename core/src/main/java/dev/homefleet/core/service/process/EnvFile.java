package dev.homefleet.core.service.process;

import dev.homefleet.core.exec.ShellQuoting;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The env file a process service starts with: one {@code export NAME=value} line per variable, the value quoted
 * with {@link ShellQuoting#posix}, so that sourcing it gives each value back verbatim. Reading takes what sh would
 * for the quoting it writes (single quotes, backslashes, double quotes without expansions), so a hand-edited file
 * reads too; a {@code $} or backquote that sh would expand is refused rather than guessed at.
 */
final class EnvFile {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvFile() {}

    static String format(Map<String, String> environment) {
        StringBuilder file = new StringBuilder();
        environment.forEach((name, value) -> {
            requireName(name);
            if (value == null || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable " + name + " cannot be passed: its value "
                        + (value == null ? "is null" : "holds a NUL, which no environment can carry"));
            }
            file.append("export ").append(name).append('=').append(ShellQuoting.posix(List.of(value))).append('\n');
        });
        return file.toString();
    }

    static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("environment variable name '" + name + "' is not one sh can export:"
                    + " letters, digits and _, not starting with a digit");
        }
    }

    static Map<String, String> parse(String text) {
        Map<String, String> environment = new LinkedHashMap<>();
        Reader reader = new Reader(text);
        while (reader.skipBlanksAndComments()) {
            String name = reader.name();
            if (name.equals("export") && reader.peekBlank()) {
                reader.skipSpaces();
                name = reader.name();
            }
            requireName(name);
            reader.expect('=');
            environment.put(name, reader.word());
            reader.endOfAssignment();
        }
        return Collections.unmodifiableMap(environment);
    }

    /** A cursor over the file, with the line it is on for messages. */
    private static final class Reader {

        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        /** Moves to the next assignment; false at the end. */
        boolean skipBlanksAndComments() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == '#') {
                    while (at < text.length() && text.charAt(at) != '\n') {
                        at++;
                    }
                } else if (Character.isWhitespace(c) || c == ';') {
                    at++;
                } else {
                    return true;
                }
            }
            return false;
        }

        boolean peekBlank() {
            return at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t');
        }

        void skipSpaces() {
            while (peekBlank()) {
                at++;
            }
        }

        String name() {
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            if (start == at) {
                throw error("expected a variable name");
            }
            return text.substring(start, at);
        }

        void expect(char c) {
            if (at >= text.length() || text.charAt(at) != c) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        String word() {
            StringBuilder value = new StringBuilder();
            while (at < text.length()) {
                char c = text.charAt(at);
                if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '\r') {
                    break;
                } else if (c == '\'') {
                    int close = text.indexOf('\'', at + 1);
                    if (close < 0) {
                        throw error("a single quote is never closed");
                    }
                    value.append(text, at + 1, close);
                    at = close + 1;
                } else if (c == '"') {
                    at = doubleQuoted(value, at + 1);
                } else if (c == '\\') {
                    if (at + 1 < text.length() && text.charAt(at + 1) != '\n') {
                        value.append(text.charAt(at + 1));
                    }
                    at += 2;
                } else if (c == '$' || c == '`') {
                    throw error("'" + c + "' would make sh expand something; quote the value in single quotes");
                } else {
                    value.append(c);
                    at++;
                }
            }
            return value.toString();
        }

        private int doubleQuoted(StringBuilder value, int from) {
            int i = from;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (c == '"') {
                    return i + 1;
                }
                if (c == '\\' && i + 1 < text.length() && "$`\"\\\n".indexOf(text.charAt(i + 1)) >= 0) {
                    if (text.charAt(i + 1) != '\n') {
                        value.append(text.charAt(i + 1));
                    }
                    i += 2;
                } else if (c == '$' || c == '`') {
                    at = i;
                    throw error("'" + c + "' would make sh expand something; quote the value in single quotes");
                } else {
                    value.append(c);
                    i++;
                }
            }
            at = from;
            throw error("a double quote is never closed");
        }

        void endOfAssignment() {
            skipSpaces();
            if (at < text.length() && text.charAt(at) == '\r') {
                at++;
            }
            if (at < text.length() && text.charAt(at) != '\n' && text.charAt(at) != ';' && text.charAt(at) != '#') {
                throw error("expected the end of the line after the value");
            }
        }

        private IllegalArgumentException error(String what) {
            int line = 1;
            for (int i = 0; i < Math.min(at, text.length()); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return new IllegalArgumentException("line " + line + ": " + what);
        }
    }
}
