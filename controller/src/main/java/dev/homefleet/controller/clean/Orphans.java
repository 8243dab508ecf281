package dev.homefleet.controller.clean;

import dev.homefleet.controller.clean.ProcessTable.Listing;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Which processes count as orphaned: reparented to {@code orphanParent} (pid 1, or a subreaper where one adopts
 * orphans), running at least {@code minAge}, and none of what the cleaner must leave alone: init itself, the chain
 * that ran the listing, a declared service's process, and the system's own programs. On macOS launchd is the parent
 * of every agent, daemon and app, so "parent is pid 1" alone would call half the machine orphaned.
 */
final class Orphans {

    /** Programs that are the parent of everything, by file name. */
    static final Set<String> INIT_PROGRAMS = Set.of("launchd", "systemd", "init", "kthreadd");

    /** Where macOS and Linux keep their own programs; apps live in bundles ({@code X.app/Contents/...}). */
    static final List<String> SYSTEM_PREFIXES = List.of("/System/", "/usr/libexec/", "/usr/sbin/", "/sbin/",
            "/Library/Apple/", "/Applications/", "/lib/systemd/", "/usr/lib/systemd/");

    private Orphans() {}

    /**
     * @param spared   pids never to count: the lister chain, declared services' listeners and their parents
     * @param declared the command lines of this machine's declared services (as written in fleet.yaml)
     */
    static List<ProcessInfo> find(Listing listing, long orphanParent, Duration minAge, Set<Long> spared,
            List<List<String>> declared) {
        return listing.processes().stream()
                .filter(p -> p.ppid() == orphanParent && p.pid() > 1 && p.pid() != orphanParent)
                .filter(p -> p.age().compareTo(minAge) >= 0)
                .filter(p -> !spared.contains(p.pid()))
                .filter(p -> !isSystem(p))
                .filter(p -> declared.stream().noneMatch(command -> runs(p, command)))
                .toList();
    }

    static boolean isSystem(ProcessInfo process) {
        String command = process.command();
        return INIT_PROGRAMS.contains(process.program())
                || SYSTEM_PREFIXES.stream().anyMatch(command::startsWith)
                || command.split(" ", 2)[0].contains(".app/Contents/");
    }

    /**
     * Whether the process runs a declared command: its command line holds every argument of it. A leading
     * {@code ~} is dropped, since ps shows the expanded home.
     */
    static boolean runs(ProcessInfo process, List<String> declared) {
        List<String> words = declared.stream()
                .map(word -> word.startsWith("~/") ? word.substring(1) : word)
                .filter(word -> !word.isBlank())
                .toList();
        return !words.isEmpty() && words.stream().allMatch(process.command()::contains);
    }
}
