package dev.homefleet.controller.init;

import dev.homefleet.controller.clean.ProcessTable;
import dev.homefleet.controller.clean.ProcessTable.Listing;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.core.metrics.sweep.ListenerSweep;
import dev.homefleet.launchd.launchctl.Launchctl;
import dev.homefleet.launchd.launchctl.ListEntry;
import dev.homefleet.launchd.plist.PlistException;
import dev.homefleet.launchd.plist.PlistReader;
import dev.homefleet.pm2.Jlist;
import dev.homefleet.pm2.Pm2Process;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at this machine with the tools the rest of homefleet already uses: the listener sweep ({@code ss} on
 * Linux, {@code lsof} on macOS), {@code ps} through the cleaner's {@link ProcessTable}, {@code pm2 jlist} read by
 * pm2-bridge's {@link Jlist}, {@code launchctl list} and the plists of {@code ~/Library/LaunchAgents} read by the
 * launchd module. Whatever cannot be looked at becomes a note, never a failure: a starter file with less in it
 * is still a start.
 *
 * <p>pm2 is asked only when its daemon already runs: {@code pm2 jlist} would otherwise start one.
 */
public final class Surveyor {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A LaunchAgent plist is a few KB; anything this large is not one. */
    private static final long MAX_PLIST_BYTES = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(Surveyor.class);

    private final CommandRunner runner;
    private final Path home;
    private final Map<String, String> environment;

    /**
     * @param runner      runs the tools, with the PATH, HOME and PM2_HOME of {@code environment}
     * @param home        the user's home directory (LaunchAgents, the default PM2_HOME)
     * @param environment where PATH and PM2_HOME are read
     */
    public Surveyor(CommandRunner runner, Path home, Map<String, String> environment) {
        this.runner = runner;
        this.home = home;
        this.environment = Map.copyOf(environment);
    }

    public Survey survey(HostFacts host) {
        List<String> notes = new ArrayList<>();
        Os os = host.os();
        List<ListeningSocket> sockets = sockets(os, notes);
        Listing processes = processes(os, notes);
        Map<Integer, List<String>> commandLines = new LinkedHashMap<>();
        for (ListeningSocket socket : sockets) {
            if (socket.pid() > 0) {
                commandLines.computeIfAbsent(socket.pid(), pid -> commandLine(pid, processes));
            }
        }
        Optional<Path> pm2 = onPath("pm2");
        int daemon = pm2.isPresent() ? pm2Daemon() : -1;
        List<Pm2Process> apps = pm2Apps(pm2, daemon, notes);
        List<LaunchAgent> agents = launchAgents();
        Map<String, Integer> launchd = os == Os.MACOS ? launchdPids(notes) : Map.of();
        return new Survey(host, sockets, processes, commandLines, apps, daemon, agents, launchd, notes);
    }

    private List<ListeningSocket> sockets(Os os, List<String> notes) {
        String tool = os == Os.MACOS ? "lsof" : os == Os.WINDOWS ? "Get-NetTCPConnection" : "ss";
        try {
            CommandResult result = runner.run(ListenerSweep.argv(os), TIMEOUT);
            if (result.timedOut()) {
                notes.add("listening ports not read: " + tool + " did not finish within " + TIMEOUT.toSeconds() + " s");
                return List.of();
            }
            List<ListeningSocket> sockets = ListenerSweep.parse(os, result.stdout());
            if (sockets.isEmpty() && !result.stderr().isBlank()) {
                notes.add("no listening ports read; " + tool + " said: " + firstLine(result.stderr()));
            }
            return sockets;
        } catch (IOException | IllegalArgumentException e) {
            notes.add("listening ports not read (" + tool + "): " + e.getMessage());
            return List.of();
        }
    }

    private Listing processes(Os os, List<String> notes) {
        try {
            return ProcessTable.list(runner, os);
        } catch (IOException e) {
            notes.add("processes not read, so listeners are matched to pm2 and launchd by their own pid only: "
                    + e.getMessage());
            return new Listing(List.of(), -1, List.of(), e.getMessage());
        }
    }

    /** The exact argv from /proc on Linux; elsewhere ps's command line cut at blanks. */
    private static List<String> commandLine(int pid, Listing processes) {
        Path proc = Path.of("/proc", String.valueOf(pid), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                String text = Files.readString(proc, StandardCharsets.UTF_8);
                List<String> argv = Arrays.stream(text.split("\0")).filter(a -> !a.isEmpty()).toList();
                if (!argv.isEmpty()) {
                    return argv;
                }
            }
        } catch (IOException e) {
            log.debug("cannot read {}: {}", proc, e.getMessage());
        }
        return processes.process(pid).map(p -> List.of(p.command().strip().split("\\s+")))
                .filter(argv -> !argv.get(0).isEmpty()).orElse(List.of());
    }

    Optional<Path> onPath(String program) {
        String path = environment.getOrDefault("PATH", "");
        return Arrays.stream(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
    }

    private Path pm2Home() {
        String configured = environment.get("PM2_HOME");
        return configured != null && !configured.isBlank() ? Path.of(configured) : home.resolve(".pm2");
    }

    /** The pid of a live pm2 daemon of PM2_HOME, from its pm2.pid, or -1. */
    private int pm2Daemon() {
        try {
            int pid = Integer.parseInt(Files.readString(pm2Home().resolve("pm2.pid")).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() ? pid : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private List<Pm2Process> pm2Apps(Optional<Path> pm2, int daemon, List<String> notes) {
        if (pm2.isEmpty()) {
            notes.add("pm2 is not on PATH: no pm2 apps read");
            return List.of();
        }
        if (daemon < 0) {
            notes.add("pm2 is installed but its daemon is not running (PM2_HOME " + pm2Home() + "): no pm2 apps read; "
                    + "start your apps with pm2 and run fleet init again, or add them by hand");
            return List.of();
        }
        try {
            CommandResult result = runner.run(List.of(pm2.get().toString(), "jlist"), TIMEOUT);
            if (result.timedOut() || result.exitCode() != 0) {
                notes.add("pm2 jlist failed" + (result.timedOut() ? " (timed out)" : " (exit " + result.exitCode()
                        + "): " + firstLine(result.stderr())) + "; no pm2 apps read");
                return List.of();
            }
            return Jlist.parse(result.stdout());
        } catch (IOException e) {
            notes.add("pm2 apps not read: " + e.getMessage());
            return List.of();
        }
    }

    private List<LaunchAgent> launchAgents() {
        Path dir = home.resolve("Library").resolve("LaunchAgents");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> plists;
        try (Stream<Path> files = Files.list(dir)) {
            plists = files.filter(f -> f.getFileName().toString().endsWith(".plist")).sorted().toList();
        } catch (IOException e) {
            return List.of(new LaunchAgent("~/Library/LaunchAgents", null, "cannot list it: " + e.getMessage()));
        }
        List<LaunchAgent> agents = new ArrayList<>();
        for (Path plist : plists) {
            String shown = "~/Library/LaunchAgents/" + plist.getFileName();
            try {
                if (Files.size(plist) > MAX_PLIST_BYTES) {
                    agents.add(new LaunchAgent(shown, null, "larger than 1 MB, not a LaunchAgent"));
                    continue;
                }
                agents.add(new LaunchAgent(shown, PlistReader.read(Files.readAllBytes(plist), shown), null));
            } catch (PlistException e) {
                agents.add(new LaunchAgent(shown, null, e.getMessage()));
            } catch (IOException e) {
                agents.add(new LaunchAgent(shown, null, "cannot read it: " + e.getMessage()));
            }
        }
        return agents;
    }

    private Map<String, Integer> launchdPids(List<String> notes) {
        if (onPath("launchctl").isEmpty()) {
            notes.add("launchctl is not on PATH: listeners are not matched to launchd jobs");
            return Map.of();
        }
        try {
            Map<String, Integer> pids = new LinkedHashMap<>();
            for (ListEntry entry : new Launchctl(runner).list()) {
                if (entry.pid() > 0) {
                    pids.put(entry.label(), entry.pid());
                }
            }
            return pids;
        } catch (IOException | RuntimeException e) {
            notes.add("launchctl list failed, so listeners are not matched to launchd jobs: " + e.getMessage());
            return Map.of();
        }
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        return end < 0 ? stripped : stripped.substring(0, end);
    }
}
