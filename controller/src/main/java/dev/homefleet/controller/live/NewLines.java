package dev.homefleet.controller.live;

import java.util.List;

/**
 * Which lines of a log's tail are new since the previous tail. Sources give only the last lines, so the new ones
 * are what follows the longest overlap between the end of the old tail and the start of the new one. No overlap
 * means the log rotated or shrank (or grew by more than a whole tail): then every line is new.
 */
final class NewLines {

    private NewLines() {}

    static List<String> since(List<String> previous, List<String> current) {
        if (current.equals(previous)) {
            return List.of();
        }
        for (int overlap = Math.min(previous.size(), current.size()); overlap > 0; overlap--) {
            if (previous.subList(previous.size() - overlap, previous.size()).equals(current.subList(0, overlap))) {
                return current.subList(overlap, current.size());
            }
        }
        return current;
    }
}
