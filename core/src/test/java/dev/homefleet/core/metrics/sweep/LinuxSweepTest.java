package dev.homefleet.core.metrics.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.MachineMetrics.DiskUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Linux sweep, on output captured by running it on a Debian 12 VM, and live on this machine. */
class LinuxSweepTest {

    private static final Instant AT = Instant.parse("2026-01-29T10:15:42Z");
    private static final long KIB = 1024;
    private static final String CAPTURE = Captures.read("linux/debian12-vm-sweep.txt");

    private static MachineMetrics parse(String output) {
        return MetricsSweep.parse(Os.LINUX, output, AT);
    }

    @Test
    void the_captured_sweep_gives_exact_values() {
        MachineMetrics m = parse(CAPTURE);

        assertThat(m.memoryTotal()).isEqualTo(24_684_092L * KIB);
        assertThat(m.memoryUsed()).as("MemTotal - MemAvailable").isEqualTo((24_684_092L - 23_591_228L) * KIB);
        assertThat(m.swapTotal()).as("this VM has no swap").isZero();
        assertThat(m.swapUsed()).isZero();
        // cpu  60273 0 8062 239399 439 0 88 47 0 0, then cpu  60290 0 8064 239421 439 0 88 47 0 0:
        // 41 ticks in all, 22 of them idle or iowait.
        assertThat(m.cpuPercent()).isCloseTo(100.0 * (41 - 22) / 41, within(1e-9));
        assertThat(m.load1()).isEqualTo(1.25);
        assertThat(m.uptimeSeconds()).as("1548.90 s, whole seconds").isEqualTo(1548);
        assertThat(m.processes()).isEqualTo(97);
        assertThat(m.disks()).as("devtmpfs and tmpfs are left out").containsExactly(
                new DiskUsage("/", 22_809_736L * KIB, 264_212_084L * KIB));
    }

    @Test
    void a_banner_before_the_first_marker_is_ignored() {
        String banner = "Welcome to Ubuntu 24.04.1 LTS (GNU/Linux 6.8.0-51-generic x86_64)\n"
                + "==> this is not a marker\nLast login: Wed Jan 28 22:10:03 2026 from 10.144.238.116\n";

        assertThat(parse(banner + CAPTURE)).isEqualTo(parse(CAPTURE));
    }

    @Test
    void df_keeps_real_file_systems_once_each_and_mount_points_with_spaces() {
        String df = """

                ==> df <==
                Filesystem     Type     1024-blocks      Used Available Capacity Mounted on
                udev           devtmpfs     8131868         0   8131868       0% /dev
                tmpfs          tmpfs        1632536      2068   1630468       1% /run
                /dev/nvme0n1p2 ext4       491134192 187412356 278700124      41% /
                /dev/loop3     squashfs       75776     75776         0     100% /snap/core22/1722
                /dev/nvme0n1p1 vfat          523248      6220    517028       2% /boot/efi
                /dev/sda1      ext4      1921802432 912345678 911765432      51% /media/felipe/My Passport
                /dev/nvme0n1p2 ext4       491134192 187412356 278700124      41% /var/lib/docker/volumes
                overlay        overlay    491134192 187412356 278700124      41% /var/lib/docker/overlay2/9f1c/merged
                lxcfs          fuse.lxcfs         0         0         0        - /var/lib/lxcfs
                """;

        assertThat(parse(df).disks()).containsExactly(
                new DiskUsage("/", 187_412_356L * KIB, 491_134_192L * KIB),
                new DiskUsage("/boot/efi", 6_220L * KIB, 523_248L * KIB),
                new DiskUsage("/media/felipe/My Passport", 912_345_678L * KIB, 1_921_802_432L * KIB));
    }

    @Test
    void an_old_kernel_without_mem_available_gives_no_used_memory_but_its_total() {
        String old = CAPTURE.replace("MemAvailable:   23591228 kB\n", "");

        MachineMetrics m = parse(old);

        assertThat(m.memoryUsed()).isEqualTo(-1);
        assertThat(m.memoryTotal()).isEqualTo(24_684_092L * KIB);
    }

    @Test
    void a_missing_second_cpu_sample_gives_no_cpu_figure() {
        String oneSample = CAPTURE.replace("==> stat-after <==\ncpu  60290 0 8064 239421 439 0 88 47 0 0\n", "");

        assertThat(parse(oneSample).cpuPercent()).isEqualTo(-1);
    }

    @Test
    void a_malformed_meminfo_line_is_rejected_with_its_line_number() {
        String mb = CAPTURE.replace("MemAvailable:   23591228 kB", "MemAvailable:   23038 MB");

        assertThatThrownBy(() -> parse(mb)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("section 'meminfo', line 11: expected 'MemAvailable: <n> kB', got \"MemAvailable:   23038 MB\"");
    }

    @Test
    void meminfo_without_mem_total_is_rejected() {
        String noTotal = CAPTURE.replace("MemTotal:       24684092 kB\n", "");

        assertThatThrownBy(() -> parse(noTotal)).hasMessage("section 'meminfo': no line starts with 'MemTotal:'");
    }

    @Test
    void the_sweep_run_on_this_machine_agrees_with_proc_meminfo() throws Exception {
        assertThat(Path.of("/proc/meminfo")).as("a Linux machine").exists();

        String output = Captures.runLocally(MetricsSweep.argv(Os.LINUX), Duration.ofSeconds(20));
        MachineMetrics m = MetricsSweep.parse(Os.LINUX, output, Instant.now());
        Map<String, Long> meminfo = meminfo();

        assertThat(m.memoryTotal()).isEqualTo(meminfo.get("MemTotal") * KIB);
        assertThat(m.swapTotal()).isEqualTo(meminfo.get("SwapTotal") * KIB);
        long usedNow = (meminfo.get("MemTotal") - meminfo.get("MemAvailable")) * KIB;
        assertThat(m.memoryUsed()).as("used memory moments apart")
                .isCloseTo(usedNow, within(Math.max(256L << 20, m.memoryTotal() / 20)));
        assertThat(m.cpuPercent()).isBetween(0.0, 100.0);
        assertThat(m.load1()).isGreaterThanOrEqualTo(0);
        assertThat(m.processes()).isPositive();
        double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        assertThat((double) m.uptimeSeconds()).isCloseTo(uptime, within(30.0));
        Set<String> mounted = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .map(line -> line.split(" ")[1].replace("\\040", " "))
                .collect(Collectors.toSet());
        assertThat(m.disks()).allSatisfy(disk -> {
            assertThat(mounted).contains(disk.mount());
            assertThat(disk.used()).isBetween(0L, disk.total());
        });
    }

    private static Map<String, Long> meminfo() throws Exception {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .map(line -> line.split(":\\s+|\\s+kB"))
                .filter(parts -> parts.length >= 2)
                .collect(Collectors.toMap(parts -> parts[0], parts -> Long.parseLong(parts[1].strip()), (a, b) -> a));
    }
}
