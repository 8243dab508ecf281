package dev.homefleet.agent.system;

import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.MachineMetrics.DiskUsage;
import java.time.Clock;
import java.time.Duration;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/**
 * Reads this machine's resources with OSHI. CPU busy share is measured from the processor ticks since the previous
 * reading, so a request never waits for a sampling window; only a reading within {@link #MIN_CPU_WINDOW} of the
 * start waits out the rest of it.
 */
public final class HostMetrics {

    public static final Duration MIN_CPU_WINDOW = Duration.ofMillis(250);

    /** File systems that are not disks: kernel interfaces, memory, container plumbing, read-only images. */
    private static final Set<String> PSEUDO_TYPES = Set.of(
            "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devfs", "devpts",
            "devtmpfs", "efivarfs", "fusectl", "hugetlbfs", "mqueue", "nsfs", "nullfs", "proc", "procfs", "pstore",
            "ramfs", "rpc_pipefs", "securityfs", "squashfs", "sysfs", "tmpfs", "tracefs", "fdescfs", "linprocfs",
            "map");

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final Clock clock;

    private long[] previousTicks;
    private long previousAtNanos;
    private double lastCpuPercent = -1;

    public HostMetrics(SystemInfo system, Clock clock) {
        this.processor = system.getHardware().getProcessor();
        this.memory = system.getHardware().getMemory();
        this.os = system.getOperatingSystem();
        this.clock = clock;
        this.previousTicks = processor.getSystemCpuLoadTicks();
        this.previousAtNanos = System.nanoTime();
    }

    public MachineMetrics read() {
        VirtualMemory virtual = memory.getVirtualMemory();
        long memoryTotal = memory.getTotal();
        double load1 = processor.getSystemLoadAverage(1)[0];
        return new MachineMetrics(
                clock.instant(),
                cpuPercent(),
                load1 < 0 ? -1 : load1,
                memoryTotal - memory.getAvailable(),
                memoryTotal,
                virtual.getSwapUsed(),
                virtual.getSwapTotal(),
                disks(),
                os.getProcessCount(),
                os.getSystemUptime());
    }

    /** Busy share of all cores since the previous reading, 0-100. */
    synchronized double cpuPercent() {
        long elapsed = System.nanoTime() - previousAtNanos;
        long window = MIN_CPU_WINDOW.toNanos();
        if (elapsed < window) {
            if (lastCpuPercent >= 0) {
                return lastCpuPercent;
            }
            sleepNanos(window - elapsed);
        }
        double load = processor.getSystemCpuLoadBetweenTicks(previousTicks);
        previousTicks = processor.getSystemCpuLoadTicks();
        previousAtNanos = System.nanoTime();
        lastCpuPercent = Double.isNaN(load) ? 0 : Math.max(0, Math.min(100, 100 * load));
        return lastCpuPercent;
    }

    /**
     * The local file systems that hold data: pseudo and memory file systems left out, and a device mounted in several
     * places (a container's bind mounts of /etc/hosts) counted once, at its shortest mount point. Which file systems
     * there are is read at most once a minute (OSHI runs lsblk for it); their sizes are read fresh (statvfs).
     */
    synchronized List<DiskUsage> disks() {
        long now = System.nanoTime();
        if (mounts == null || now - mountsReadAtNanos > MOUNTS_TTL.toNanos()) {
            mounts = mounts();
            mountsReadAtNanos = now;
        }
        List<DiskUsage> disks = new ArrayList<>();
        for (String mount : mounts) {
            try {
                FileStore store = Files.getFileStore(Path.of(mount));
                long total = store.getTotalSpace();
                disks.add(new DiskUsage(mount, total - store.getUnallocatedSpace(), total));
            } catch (IOException | RuntimeException e) {
                mountsReadAtNanos = 0; // unmounted since: look again next time
            }
        }
        return disks;
    }

    private List<String> mounts() {
        Map<String, OSFileStore> byVolume = new LinkedHashMap<>();
        for (OSFileStore store : os.getFileSystem().getFileStores(true)) {
            if (store.getTotalSpace() <= 0 || isPseudo(store)) {
                continue;
            }
            String volume = store.getVolume() == null || store.getVolume().isEmpty() ? store.getMount()
                    : store.getVolume();
            byVolume.merge(volume, store, (x, y) -> y.getMount().length() < x.getMount().length() ? y : x);
        }
        return byVolume.values().stream().map(OSFileStore::getMount).sorted().toList();
    }

    private static final Duration MOUNTS_TTL = Duration.ofMinutes(1);
    private List<String> mounts;
    private long mountsReadAtNanos;

    private static boolean isPseudo(OSFileStore store) {
        String type = store.getType() == null ? "" : store.getType().toLowerCase(Locale.ROOT);
        String mount = store.getMount();
        // macOS mounts its system helper volumes (VM, Preboot, Update...) under /System/Volumes; only Data is the
        // user's disk, and "/" is the sealed system volume.
        boolean macHelperVolume = mount.startsWith("/System/Volumes/") && !mount.equals("/System/Volumes/Data");
        return PSEUDO_TYPES.contains(type) || macHelperVolume || mount.startsWith("/private/var/vm")
                || mount.startsWith("/snap/");
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
