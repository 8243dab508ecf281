package dev.homefleet.core.metrics.sweep;

import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.MachineMetrics.DiskUsage;
import dev.homefleet.core.metrics.sweep.Sections.Line;
import dev.homefleet.core.metrics.sweep.Sections.Section;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Linux: /proc and df, read in one {@code /bin/sh} run. */
final class LinuxSweep {

    /*
     * CPU use is the change of /proc/stat's first line over 200 ms (sleep 1 where sleep takes whole seconds only).
     * The process count is a shell glob over /proc, so no ls or grep process counts itself.
     * df -l: local file systems only, so a dead NFS mount cannot hang the sweep.
     */
    static final String SCRIPT = Sections.script(
            "s stat; grep '^cpu ' /proc/stat",
            "sleep 0.2 2>/dev/null || sleep 1",
            "s stat-after; grep '^cpu ' /proc/stat",
            "s meminfo; cat /proc/meminfo",
            "s loadavg; cat /proc/loadavg",
            "s uptime; cat /proc/uptime",
            "s df; df -kPTl",
            "s processes; n=0; for p in /proc/[0-9]*; do n=$((n+1)); done; echo \"$n\"");

    /** File system types that hold no data of their own: memory, kernel views, container layers, read-only images. */
    static final Set<String> PSEUDO_FILE_SYSTEMS = Set.of("tmpfs", "devtmpfs", "overlay", "squashfs", "proc", "sysfs",
            "devpts", "cgroup", "cgroup2", "ramfs", "efivarfs", "autofs", "debugfs", "tracefs", "securityfs",
            "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "nsfs", "binfmt_misc", "rpc_pipefs",
            "selinuxfs", "nfsd", "iso9660", "fuse.lxcfs", "fuse.portal", "fuse.gvfsd-fuse", "fuse.snapfuse");

    private static final Pattern CPU_LINE = Pattern.compile("cpu\\s+(\\d+(?:\\s+\\d+){3,})");
    private static final Pattern MEMINFO = Pattern.compile("(\\w+):\\s+(\\d+) kB");
    private static final Pattern FIRST_NUMBER = Pattern.compile("(\\d+(?:\\.\\d+)?)(?:\\s.*)?");
    private static final Pattern COUNT = Pattern.compile("\\d+");

    private LinuxSweep() {}

    static MachineMetrics parse(String output, Instant at) {
        Sections sections = Sections.of(output, "Linux metrics sweep");
        Optional<Section> meminfo = sections.get("meminfo");
        long memTotal = meminfo.map(s -> kib(s, "MemTotal", true)).orElse(-1L);
        long memAvailable = meminfo.map(s -> kib(s, "MemAvailable", false)).orElse(-1L);
        long swapTotal = meminfo.map(s -> kib(s, "SwapTotal", false)).orElse(-1L);
        long swapFree = meminfo.map(s -> kib(s, "SwapFree", false)).orElse(-1L);
        return new MachineMetrics(
                at,
                cpuPercent(sections),
                sections.get("loadavg").map(s -> firstNumber(s, "'<load1> <load5> <load15> <running>/<total> <pid>'"))
                        .orElse(-1.0),
                memTotal >= 0 && memAvailable >= 0 ? memTotal - memAvailable : -1,
                memTotal,
                swapTotal >= 0 && swapFree >= 0 ? swapTotal - swapFree : -1,
                swapTotal,
                sections.get("df").map(LinuxSweep::disks).orElse(List.of()),
                sections.get("processes").map(LinuxSweep::processes).orElse(-1),
                sections.get("uptime").map(s -> (long) firstNumber(s, "'<seconds up> <seconds idle>'")).orElse(-1L));
    }

    /**
     * Busy share between the two samples of the first line of /proc/stat (user nice system idle iowait irq softirq
     * steal guest guest_nice, in clock ticks): 100 x (1 - delta idle / delta total), where idle counts idle and iowait,
     * and total sums the first eight fields (guest time is already inside user and nice).
     */
    private static double cpuPercent(Sections sections) {
        Optional<Section> before = sections.get("stat");
        Optional<Section> after = sections.get("stat-after");
        if (before.isEmpty() || after.isEmpty()) {
            return -1;
        }
        long[] a = ticks(before.get());
        long[] b = ticks(after.get());
        long total = b[0] - a[0];
        long idle = b[1] - a[1];
        return total <= 0 ? -1 : Math.max(0, Math.min(100, 100.0 * (total - idle) / total));
    }

    /** {total, idle} ticks. */
    private static long[] ticks(Section section) {
        Line line = section.require("cpu ");
        Matcher m = section.match(line, CPU_LINE, "'cpu <user> <nice> <system> <idle> [<iowait> ...]'");
        long[] fields = Arrays.stream(m.group(1).split("\\s+"))
                .mapToLong(f -> section.parseLong(line, f, "clock ticks")).toArray();
        long total = 0;
        for (int i = 0; i < Math.min(8, fields.length); i++) {
            total += fields[i];
        }
        long idle = fields[3] + (fields.length > 4 ? fields[4] : 0);
        return new long[] {total, idle};
    }

    /** A /proc/meminfo value in bytes; -1 when the line is absent and not required. */
    private static long kib(Section section, String key, boolean required) {
        Optional<Line> found = section.find(key + ":");
        if (found.isEmpty() && !required) {
            return -1;
        }
        Line line = found.orElseGet(() -> section.require(key + ":"));
        return 1024 * section.parseLong(line,
                section.match(line, MEMINFO, "'" + key + ": <n> kB'").group(2), "'" + key + ": <n> kB'");
    }

    private static double firstNumber(Section section, String expected) {
        Line line = section.first();
        return section.parseDouble(line, section.match(line, FIRST_NUMBER, expected).group(1), expected);
    }

    /**
     * Real file systems only: pseudo types and empty ones are dropped, and a device mounted twice (a bind mount, a
     * container's /etc/hosts) is counted once, at its first mount point.
     */
    private static List<DiskUsage> disks(Section section) {
        Set<String> devices = new HashSet<>();
        return DfTable.parse(section).stream()
                .filter(row -> !PSEUDO_FILE_SYSTEMS.contains(row.type()) && row.total() > 0)
                .filter(row -> !row.filesystem().startsWith("/dev/") || devices.add(row.filesystem()))
                .map(row -> new DiskUsage(row.mount(), row.used(), row.total()))
                .toList();
    }

    private static int processes(Section section) {
        Line line = section.first();
        return Math.toIntExact(section.parseLong(line, section.match(line, COUNT, "a process count").group(),
                "a process count"));
    }
}
