package dev.homefleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's results as Markdown: headings, tables whose columns are padded so the same text reads well in a
 * terminal, and notes. What is printed is exactly what is written to the results file.
 */
final class Report {

    private final StringBuilder text = new StringBuilder();

    Report heading(String title) {
        text.append("## ").append(title).append("\n\n");
        return this;
    }

    Report line(String line) {
        text.append(line).append('\n');
        return this;
    }

    Report note(String note) {
        text.append("- ").append(note).append('\n');
        return this;
    }

    Report blank() {
        text.append('\n');
        return this;
    }

    Table table(String... header) {
        return new Table(this, List.of(header));
    }

    String text() {
        return text.toString();
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text());
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f", r);
    }

    static String number(String format, double value) {
        return String.format(Locale.ROOT, format, value);
    }

    /** PASS or FAIL: goals are reported, never enforced, because this machine's noise is not the code's fault. */
    static String verdict(boolean met) {
        return met ? "PASS" : "FAIL";
    }

    static final class Table {
        private final Report report;
        private final List<String> header;
        private final List<List<String>> rows = new ArrayList<>();

        private Table(Report report, List<String> header) {
            this.report = report;
            this.header = header;
        }

        Table row(Object... cells) {
            if (cells.length != header.size()) {
                throw new IllegalArgumentException("a row of " + header + " needs " + header.size() + " cells, not "
                        + cells.length);
            }
            List<String> row = new ArrayList<>();
            for (Object c : cells) {
                row.add(String.valueOf(c).replace("|", "\\|"));
            }
            rows.add(row);
            return this;
        }

        /** Appends the table to the report, followed by a blank line. */
        Report end() {
            int[] width = new int[header.size()];
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(3, header.get(i).length());
                for (List<String> row : rows) {
                    width[i] = Math.max(width[i], row.get(i).length());
                }
            }
            append(header, width);
            StringBuilder rule = new StringBuilder("|");
            for (int w : width) {
                rule.append(' ').append("-".repeat(w)).append(" |");
            }
            report.text.append(rule).append('\n');
            rows.forEach(row -> append(row, width));
            report.text.append('\n');
            return report;
        }

        private void append(List<String> cells, int[] width) {
            StringBuilder line = new StringBuilder("|");
            for (int i = 0; i < cells.size(); i++) {
                line.append(' ').append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length()))
                        .append(" |");
            }
            report.text.append(line).append('\n');
        }
    }
}
