package dev.homefleet.core.metrics.sweep;

import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.MachineMetrics.DiskUsage;
import dev.homefleet.core.metrics.sweep.Sections.Line;
import dev.homefleet.core.metrics.sweep.Sections.Section;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** macOS: sysctl, vm_stat, df, top, read in one {@code /bin/sh} run. */
final class MacSweep {

    /*
     * top -l 2 -s 1: in logging mode the first sample has no previous one to take the CPU delta from, so its
     * "CPU usage" line is not the present load; the second sample, one second later, is. This costs the sweep a second.
     * df -kl: local file systems only, so a NAS share that has gone away cannot hang the sweep.
     */
    static final String SCRIPT = Sections.script(
            "s swapusage; sysctl vm.swapusage",
            "s memsize; sysctl -n hw.memsize",
            "s vm_stat; vm_stat",
            "s df; df -kl",
            "s top; top -l 2 -n 0 -s 1",
            "s boottime; sysctl -n kern.boottime",
            "s date; date +%s");

    private static final long MIB = 1024 * 1024;
    private static final Pattern SWAP = Pattern.compile(
            "(?:vm\\.swapusage:\\s*)?total = ([0-9.]+)([KMG])\\s+used = ([0-9.]+)([KMG])\\s+free = .*");
    private static final Pattern PAGE_SIZE = Pattern.compile(
            "Mach Virtual Memory Statistics: \\(page size of (\\d+) bytes\\)");
    private static final Pattern PAGES = Pattern.compile("(.+):\\s+(\\d+)\\.");
    private static final Pattern CPU = Pattern.compile(
            "CPU usage: ([0-9.]+)% user, ([0-9.]+)% sys, ([0-9.]+)% idle\\s*");
    private static final Pattern LOAD = Pattern.compile("Load Avg: ([0-9.]+), ([0-9.]+), ([0-9.]+)\\s*");
    private static final Pattern PROCESSES = Pattern.compile("Processes: (\\d+) total\\b.*");
    private static final Pattern BOOTTIME = Pattern.compile("\\{ sec = (\\d+), usec = (\\d+) }.*");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private MacSweep() {}

    static MachineMetrics parse(String output, Instant at) {
        Sections sections = Sections.of(output, "macOS metrics sweep");
        long[] swap = sections.get("swapusage").map(MacSweep::swap).orElse(new long[] {-1, -1});
        Optional<Section> top = sections.get("top");
        return new MachineMetrics(
                at,
                top.map(MacSweep::cpuPercent).orElse(-1.0),
                top.map(MacSweep::load1).orElse(-1.0),
                sections.get("vm_stat").map(MacSweep::memoryUsed).orElse(-1L),
                sections.get("memsize").map(s -> number(s, "hw.memsize in bytes")).orElse(-1L),
                swap[0],
                swap[1],
                sections.get("df").map(MacSweep::disks).orElse(List.of()),
                top.map(MacSweep::processes).orElse(-1),
                uptime(sections));
    }

    /** {used, total} in bytes; sysctl prints megabytes with two decimals. */
    private static long[] swap(Section section) {
        Line line = section.first();
        Matcher m = section.match(line, SWAP,
                "'vm.swapusage: total = <n>M  used = <n>M  free = <n>M  [(encrypted)]'");
        return new long[] {bytes(m.group(3), m.group(4)), bytes(m.group(1), m.group(2))};
    }

    private static long bytes(String amount, String unit) {
        long scale = switch (unit) {
            case "K" -> 1024;
            case "M" -> MIB;
            default -> 1024 * MIB;
        };
        return new BigDecimal(amount).multiply(BigDecimal.valueOf(scale)).setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
    }

    /**
     * Used memory as Activity Monitor's "Memory Used" roughly counts it:
     * (Pages active + Pages wired down + Pages occupied by compressor) x page size.
     * Inactive, speculative and purgeable pages are reclaimable and left out; "Pages stored in compressor" counts
     * the pages before compression, not the memory they take, so it is left out too.
     */
    private static long memoryUsed(Section section) {
        Line header = section.require("Mach Virtual Memory Statistics:");
        long pageSize = section.parseLong(header, section.match(header, PAGE_SIZE,
                "'Mach Virtual Memory Statistics: (page size of <n> bytes)'").group(1), "a page size");
        long pages = pages(section, "Pages active") + pages(section, "Pages wired down")
                + pages(section, "Pages occupied by compressor");
        return pages * pageSize;
    }

    private static long pages(Section section, String label) {
        Line line = section.require(label + ":");
        Matcher m = section.match(line, PAGES, "'" + label + ": <pages>.'");
        return section.parseLong(line, m.group(2), "'" + label + ": <pages>.'");
    }

    /**
     * The volumes a person means by "the disk": the root (on APFS the sealed system volume), the Data volume that
     * holds everything written since, and external volumes under /Volumes. The other APFS volumes (VM, Preboot,
     * Update, xarts ...), devfs and autofs maps are left out.
     */
    private static List<DiskUsage> disks(Section section) {
        return DfTable.parse(section).stream()
                .filter(row -> row.filesystem().startsWith("/dev/"))
                .filter(row -> row.mount().equals("/") || row.mount().equals("/System/Volumes/Data")
                        || row.mount().startsWith("/Volumes/"))
                .map(row -> new DiskUsage(row.mount(), row.used(), row.total()))
                .toList();
    }

    /** Busy share: user + sys of the last sample. */
    private static double cpuPercent(Section section) {
        Line line = section.requireLast("CPU usage:");
        Matcher m = section.match(line, CPU, "'CPU usage: <n>% user, <n>% sys, <n>% idle'");
        double user = section.parseDouble(line, m.group(1), "a percentage");
        double sys = section.parseDouble(line, m.group(2), "a percentage");
        return Math.min(100, user + sys);
    }

    private static double load1(Section section) {
        Line line = section.requireLast("Load Avg:");
        return section.parseDouble(line, section.match(line, LOAD, "'Load Avg: <n>, <n>, <n>'").group(1),
                "a load average");
    }

    private static int processes(Section section) {
        Line line = section.requireLast("Processes:");
        return Math.toIntExact(section.parseLong(line,
                section.match(line, PROCESSES, "'Processes: <n> total, ...'").group(1), "a process count"));
    }

    /** The Mac's own clock minus its boot time, so a skewed controller clock does not matter. */
    private static long uptime(Sections sections) {
        Optional<Section> boot = sections.get("boottime");
        Optional<Section> date = sections.get("date");
        if (boot.isEmpty() || date.isEmpty()) {
            return -1;
        }
        Section b = boot.get();
        Line line = b.first();
        long bootedAt = b.parseLong(line, b.match(line, BOOTTIME, "'{ sec = <n>, usec = <n> } <date>'").group(1),
                "seconds since 1970");
        long now = number(date.get(), "seconds since 1970");
        return now >= bootedAt ? now - bootedAt : -1;
    }

    private static long number(Section section, String what) {
        Line line = section.first();
        return section.parseLong(line, section.match(line, NUMBER, what).group(), what);
    }
}
