package dev.homefleet.core.metrics.sweep;

import dev.homefleet.core.metrics.sweep.Sections.Line;
import dev.homefleet.core.metrics.sweep.Sections.Section;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table {@code df} prints: GNU {@code df -kPT} on Linux, BSD {@code df -kl} on macOS (which adds the inode
 * columns iused, ifree, %iused unless given -P). The unit comes from the header ({@code 1024-blocks},
 * {@code 512-blocks}, {@code 1K-blocks}). The mount point is the rest of the line after the numbers, so it may hold
 * spaces ({@code /Volumes/Samsung T7}); so may the file system name ({@code map auto_home}).
 */
final class DfTable {

    private static final Pattern HEADER = Pattern.compile("Filesystem\\s+(Type\\s+)?(\\d+)(-blocks|K-blocks)\\s.*");
    private static final Pattern ROW = Pattern.compile(
            "(.+?)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+%|-)(?:\\s+\\d+\\s+\\d+\\s+(?:\\d+%|-))?\\s+(/.*)");
    private static final Pattern TYPED_ROW = Pattern.compile(
            "(.+?)\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+%|-)\\s+(/.*)");
    private static final String EXPECTED_ROW = "'<file system> [<type>] <blocks> <used> <available> <capacity>% "
            + "[<iused> <ifree> <%iused>] <mount point>'";

    private DfTable() {}

    /** One file system. {@code type} is empty when df printed no Type column. Sizes in bytes. */
    record Row(String filesystem, String type, long total, long used, String mount) {}

    static List<Row> parse(Section section) {
        Line header = section.require("Filesystem");
        Matcher h = section.match(header, HEADER,
                "a header 'Filesystem [Type] <n>-blocks Used Available Capacity ... Mounted on'");
        boolean typed = h.group(1) != null;
        long unit = section.parseLong(header, h.group(2), "a block size") * ("K-blocks".equals(h.group(3)) ? 1024 : 1);
        List<Row> rows = new ArrayList<>();
        for (Line line : section.lines()) {
            if (line.number() <= header.number()) {
                continue;
            }
            Matcher m = section.match(line, typed ? TYPED_ROW : ROW, EXPECTED_ROW);
            int at = typed ? 3 : 2;
            rows.add(new Row(m.group(1), typed ? m.group(2) : "",
                    unit * section.parseLong(line, m.group(at), "a block count"),
                    unit * section.parseLong(line, m.group(at + 1), "a block count"),
                    m.group(typed ? 7 : 6)));
        }
        return rows;
    }
}
