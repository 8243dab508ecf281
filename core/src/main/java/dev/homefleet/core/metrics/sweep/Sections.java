package dev.homefleet.core.metrics.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sweep's output cut at its markers, {@code ==> name <==} on a line of their own. Whatever comes before the first
 * marker (a login banner, a line an rc file prints) is dropped, and so are blank lines. A section whose command
 * printed nothing (it is missing, or failed and said why on stderr) counts as absent.
 */
final class Sections {

    /*
     * LC_ALL=C: top, sysctl and df print numbers in the locale's style otherwise, and "12,34%" would not parse.
     * The PATH covers a non-login SSH session whose PATH lacks the sbin directories (sysctl, lsof, ss).
     * s NAME prints a marker; its leading newline keeps the marker at a line start after output without one.
     */
    private static final List<String> PREAMBLE = List.of(
            "LC_ALL=C; export LC_ALL",
            "PATH=/usr/bin:/bin:/usr/sbin:/sbin:$PATH",
            "s() { printf '\\n==> %s <==\\n' \"$1\"; }");

    private static final Pattern MARKER = Pattern.compile("==> (.+) <==");

    private final Map<String, Section> byName;

    private Sections(Map<String, Section> byName) {
        this.byName = byName;
    }

    /** A POSIX sh script that runs {@code lines}, each of which prints its section with {@code s NAME; command}. */
    static String script(String... lines) {
        List<String> all = new ArrayList<>(PREAMBLE);
        all.addAll(List.of(lines));
        return String.join("\n", all) + "\n";
    }

    /**
     * @param what names the output in messages: {@code macOS metrics sweep}
     * @throws IllegalArgumentException when the output has no marker at all, or one section twice
     */
    static Sections of(String output, String what) {
        Map<String, List<Line>> sections = new LinkedHashMap<>();
        List<Line> current = null;
        String[] lines = output.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String text = lines[i].replace("\uFEFF", "").stripTrailing();
            Matcher marker = MARKER.matcher(text.strip());
            if (marker.matches()) {
                String name = marker.group(1);
                if (sections.containsKey(name)) {
                    throw new IllegalArgumentException(
                            what + ": section '" + name + "' appears twice, the second time at line " + (i + 1));
                }
                current = new ArrayList<>();
                sections.put(name, current);
            } else if (current != null && !text.isBlank()) {
                current.add(new Line(i + 1, text));
            }
        }
        if (sections.isEmpty()) {
            throw new IllegalArgumentException(what + ": no '==> name <==' section marker in the output; it starts "
                    + quote(firstLine(lines)));
        }
        Map<String, Section> byName = new LinkedHashMap<>();
        sections.forEach((name, sectionLines) -> byName.put(name, new Section(name, sectionLines)));
        return new Sections(byName);
    }

    /** The section, when its marker was printed and its command wrote at least one non-blank line. */
    Optional<Section> get(String name) {
        return Optional.ofNullable(byName.get(name)).filter(s -> !s.lines().isEmpty());
    }

    private static String firstLine(String[] lines) {
        for (String line : lines) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    static String quote(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return "\"" + shown + "\"";
    }

    /** One line of the output, numbered from 1 over the whole output so that a message points into the capture. */
    record Line(int number, String text) {}

    record Section(String name, List<Line> lines) {

        Section {
            lines = List.copyOf(lines);
        }

        Line first() {
            return lines.get(0);
        }

        /** The first line that starts with {@code prefix} once leading blanks are stripped. */
        Optional<Line> find(String prefix) {
            return lines.stream().filter(l -> l.text().strip().startsWith(prefix)).findFirst();
        }

        /** The last such line: {@code top -l 2} prints its figures twice and the second sample is the good one. */
        Optional<Line> findLast(String prefix) {
            Line found = null;
            for (Line line : lines) {
                if (line.text().strip().startsWith(prefix)) {
                    found = line;
                }
            }
            return Optional.ofNullable(found);
        }

        Line require(String prefix) {
            return find(prefix).orElseThrow(() -> new IllegalArgumentException(
                    "section '" + name + "': no line starts with '" + prefix + "'"));
        }

        Line requireLast(String prefix) {
            return findLast(prefix).orElseThrow(() -> new IllegalArgumentException(
                    "section '" + name + "': no line starts with '" + prefix + "'"));
        }

        /** The error for a line that is there but not in the form expected. */
        IllegalArgumentException malformed(Line line, String expected) {
            return new IllegalArgumentException("section '" + name + "', line " + line.number() + ": expected "
                    + expected + ", got " + quote(line.text().strip()));
        }

        /** Matches the whole stripped line against {@code pattern}, or fails naming the line. */
        Matcher match(Line line, Pattern pattern, String expected) {
            Matcher m = pattern.matcher(line.text().strip());
            if (!m.matches()) {
                throw malformed(line, expected);
            }
            return m;
        }

        long parseLong(Line line, String digits, String expected) {
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw malformed(line, expected);
            }
        }

        double parseDouble(Line line, String number, String expected) {
            try {
                return Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw malformed(line, expected);
            }
        }
    }
}
