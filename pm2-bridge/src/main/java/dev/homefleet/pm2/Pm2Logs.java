package dev.homefleet.pm2;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what {@code pm2 logs NAME --lines N --nostream} prints: a "[TAILING]" header, then for each of the app's log
 * files (standard output, standard error) a "PATH last N lines:" line and the lines, each behind an "ID|NAME | "
 * prefix. pm2 prints the file written to last at the end, so the lines come out roughly oldest first; lines of the
 * two files are not interleaved by time.
 */
final class Pm2Logs {

    private static final Pattern FILE_HEADER = Pattern.compile(".* last \\d+ lines:$");

    private Pm2Logs() {}

    /** The log lines, at most {@code lines} of them; empty when pm2 printed no log file (it knows no such app). */
    static Optional<List<String>> parse(String output, String name, int lines) {
        Pattern prefix = Pattern.compile("^\\d+\\|" + Pattern.quote(name) + " *\\| ");
        List<String> found = new ArrayList<>();
        boolean tailing = false;
        boolean anyFile = false;
        for (String line : Jlist.stripAnsi(output).split("\n", -1)) {
            if (line.startsWith("[TAILING] ")) {
                tailing = true; // what came before is the daemon's start-up banner, if any
            } else if (tailing && FILE_HEADER.matcher(line).matches()) {
                anyFile = true;
            } else if (anyFile) {
                Matcher matcher = prefix.matcher(line);
                if (matcher.find()) {
                    found.add(line.substring(matcher.end()));
                }
                // Lines without the prefix are the blank line pm2 prints after each file.
            }
        }
        if (!anyFile) {
            return Optional.empty();
        }
        return Optional.of(List.copyOf(found.subList(Math.max(0, found.size() - lines), found.size())));
    }
}
