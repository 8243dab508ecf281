package dev.homefleet.controller.live;

import java.io.IOException;
import java.util.List;

/**
 * Where a service's log comes from: the agent on its machine, or the local manager. The hub only ever asks for the
 * last lines and works out which are new itself, so a source needs no cursor and survives a rotated log.
 */
@FunctionalInterface
public interface LogSource {

    /**
     * @return at most {@code lines} of the log's last lines, oldest first
     * @throws IOException when the log cannot be read; the message is shown to the person tailing it
     */
    List<String> tail(String machine, String service, int lines) throws IOException;
}
