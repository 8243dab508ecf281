package dev.homefleet.controller.init;

import dev.homefleet.controller.clean.ProcessTable.Listing;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.pm2.Pm2Process;
import java.util.List;
import java.util.Map;

/**
 * What {@link Surveyor} found on this machine, before anything is decided about it.
 *
 * @param processes    the user's processes (for a listener's parents), empty when ps could not be read
 * @param commandLines the argv of each listening process, by pid, where it could be read
 * @param pm2Daemon    the pid of pm2's daemon, or -1 when none runs
 * @param launchdPids  the pid of each running launchd job of the user's domain, by label (macOS only)
 * @param notes        what could not be looked at, and why, for the top of the file
 */
public record Survey(HostFacts host, List<ListeningSocket> sockets, Listing processes,
        Map<Integer, List<String>> commandLines, List<Pm2Process> pm2Apps, int pm2Daemon, List<LaunchAgent> agents,
        Map<String, Integer> launchdPids, List<String> notes) {

    public Survey {
        sockets = List.copyOf(sockets);
        commandLines = Map.copyOf(commandLines);
        pm2Apps = List.copyOf(pm2Apps);
        agents = List.copyOf(agents);
        launchdPids = Map.copyOf(launchdPids);
        notes = List.copyOf(notes);
    }
}
