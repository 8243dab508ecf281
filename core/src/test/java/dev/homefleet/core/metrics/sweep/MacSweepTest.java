package dev.homefleet.core.metrics.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.MachineMetrics.DiskUsage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The macOS sweep read back from captures laid out as vm_stat(1), sysctl(8), top(1) -l and df(1) print them, with
 * the numbers of the seed's machines: a MacBook Pro M3 Max with 48 GB and a Mac mini M4 with 16 GB, both with 16 KB
 * pages.
 */
class MacSweepTest {

    private static final Instant AT = Instant.parse("2026-01-29T10:15:42Z");
    private static final long PAGE = 16_384;
    private static final long KIB = 1024;
    private static final String MACBOOK = Captures.read("macos/macbook-pro-m3-max-sweep.txt");
    private static final String MINI = Captures.read("macos/mac-mini-m4-sweep.txt");

    private static MachineMetrics parse(String output) {
        return MetricsSweep.parse(Os.MACOS, output, AT);
    }

    @Test
    void the_macbook_capture_gives_exact_bytes_and_percentages() {
        MachineMetrics m = parse(MACBOOK);

        assertThat(m.collectedAt()).isEqualTo(AT);
        assertThat(m.memoryTotal()).as("hw.memsize").isEqualTo(48L * 1024 * 1024 * 1024);
        assertThat(m.memoryUsed()).as("(active + wired down + occupied by compressor) x page size")
                .isEqualTo((1_236_544L + 312_876L + 287_432L) * PAGE);
        assertThat(m.memoryPercent()).isCloseTo(58.39, within(0.01));
        assertThat(m.swapTotal()).as("2048.00M").isEqualTo(2048L * 1024 * 1024);
        assertThat(m.swapUsed()).as("1024.50M").isEqualTo(1024L * 1024 * 1024 + 512 * 1024);
        assertThat(m.swapPercent()).isCloseTo(50.02, within(0.01));
        assertThat(m.cpuPercent()).as("user + sys of the second sample").isCloseTo(12.34 + 5.67, within(1e-9));
        assertThat(m.load1()).isEqualTo(1.23);
        assertThat(m.processes()).isEqualTo(512);
        assertThat(m.uptimeSeconds()).as("date +%s - kern.boottime sec").isEqualTo(5 * 86_400 + 3 * 3_600 + 27 * 60 + 5);
        assertThat(m.disks()).containsExactly(
                new DiskUsage("/", 10_237_712L * KIB, 971_350_180L * KIB),
                new DiskUsage("/System/Volumes/Data", 638_412_776L * KIB, 971_350_180L * KIB));
        assertThat(m.disks().get(1).percent()).isCloseTo(65.72, within(0.01));
    }

    @Test
    void the_mac_mini_capture_skips_its_login_banner_and_reads_no_swap_and_an_external_volume() {
        assertThat(MINI).startsWith("Agent pid 48213\n");

        MachineMetrics m = parse(MINI);

        assertThat(m.memoryTotal()).isEqualTo(16L * 1024 * 1024 * 1024);
        assertThat(m.memoryUsed()).as("nothing compressed yet").isEqualTo((341_877L + 118_231L + 0) * PAGE);
        assertThat(m.swapTotal()).isZero();
        assertThat(m.swapUsed()).isZero();
        assertThat(m.swapPercent()).as("no percentage of nothing").isEqualTo(-1);
        assertThat(m.cpuPercent()).isCloseTo(27.52 + 8.14, within(1e-9));
        assertThat(m.load1()).isEqualTo(2.71);
        assertThat(m.processes()).isEqualTo(423);
        assertThat(m.uptimeSeconds()).isEqualTo(2 * 3_600 + 14 * 60 + 51);
        assertThat(m.disks()).containsExactly(
                new DiskUsage("/", 10_512_340L * KIB, 239_362_496L * KIB),
                new DiskUsage("/System/Volumes/Data", 151_234_568L * KIB, 239_362_496L * KIB),
                new DiskUsage("/Volumes/Samsung T7", 412_873_216L * KIB, 976_490_576L * KIB));
    }

    @Test
    void purgeable_and_stored_in_compressor_pages_do_not_count_as_used() {
        long used = parse(MACBOOK).memoryUsed();

        String noPurgeable = MACBOOK.replace("Pages purgeable:                          48213.\n", "");
        String morePurgeableAndStored = MACBOOK
                .replace("Pages purgeable:                          48213.", "Pages purgeable:                         948213.")
                .replace("Pages stored in compressor:              845123.", "Pages stored in compressor:             1845123.");

        assertThat(noPurgeable).isNotEqualTo(MACBOOK);
        assertThat(morePurgeableAndStored).isNotEqualTo(MACBOOK);
        assertThat(parse(noPurgeable).memoryUsed()).isEqualTo(used);
        assertThat(parse(morePurgeableAndStored).memoryUsed()).isEqualTo(used);
    }

    @Test
    void the_cpu_figures_come_from_the_last_top_sample_and_one_sample_is_read_too() {
        String oneSample = MACBOOK.substring(0, MACBOOK.indexOf("Processes: 512 total"))
                + MACBOOK.substring(MACBOOK.indexOf("==> boottime <=="));

        MachineMetrics m = parse(oneSample);

        assertThat(m.cpuPercent()).isCloseTo(7.91 + 4.03, within(1e-9));
        assertThat(m.load1()).isEqualTo(1.21);
        assertThat(m.processes()).isEqualTo(509);
    }

    @Test
    void a_missing_or_empty_section_gives_minus_one_and_the_rest_still_reads() {
        String noTop = MACBOOK.substring(0, MACBOOK.indexOf("==> top <==")) + MACBOOK.substring(
                MACBOOK.indexOf("==> boottime <=="));
        String emptySwap = MACBOOK.replace(
                "vm.swapusage: total = 2048.00M  used = 1024.50M  free = 1023.50M  (encrypted)\n", "");
        String noDate = MACBOOK.substring(0, MACBOOK.indexOf("==> date <=="));

        MachineMetrics withoutTop = parse(noTop);
        assertThat(withoutTop.cpuPercent()).isEqualTo(-1);
        assertThat(withoutTop.load1()).isEqualTo(-1);
        assertThat(withoutTop.processes()).isEqualTo(-1);
        assertThat(withoutTop.memoryUsed()).isEqualTo(parse(MACBOOK).memoryUsed());

        MachineMetrics withoutSwap = parse(emptySwap);
        assertThat(withoutSwap.swapTotal()).isEqualTo(-1);
        assertThat(withoutSwap.swapUsed()).isEqualTo(-1);
        assertThat(withoutSwap.swapPercent()).isEqualTo(-1);

        assertThat(parse(noDate).uptimeSeconds()).isEqualTo(-1);
    }

    @Test
    void a_malformed_line_is_rejected_with_its_section_and_line_number() {
        String commas = MACBOOK.replace("Pages wired down:                        312876.",
                "Pages wired down:                       312,876.");

        assertThatThrownBy(() -> parse(commas))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("section 'vm_stat', line 15: expected 'Pages wired down: <pages>.', "
                        + "got \"Pages wired down:                       312,876.\"");
    }

    @Test
    void a_needed_line_that_is_missing_is_named() {
        String noWired = MACBOOK.replace("Pages wired down:                        312876.\n", "");

        assertThatThrownBy(() -> parse(noWired))
                .hasMessage("section 'vm_stat': no line starts with 'Pages wired down:'");
    }

    @Test
    void a_swap_line_in_a_locale_with_decimal_commas_is_rejected() {
        String comma = MACBOOK.replace("total = 2048.00M  used = 1024.50M  free = 1023.50M",
                "total = 2048,00M  used = 1024,50M  free = 1023,50M");

        assertThatThrownBy(() -> parse(comma)).hasMessage("section 'swapusage', line 3: expected "
                + "'vm.swapusage: total = <n>M  used = <n>M  free = <n>M  [(encrypted)]', "
                + "got \"vm.swapusage: total = 2048,00M  used = 1024,50M  free = 1023,50M  (encrypted)\"");
    }

    @Test
    void a_top_line_in_another_form_is_rejected() {
        String german = MACBOOK.replace("CPU usage: 12.34% user, 5.67% sys, 81.99% idle",
                "CPU usage: 12,34% user, 5,67% sys, 81,99% idle");

        assertThatThrownBy(() -> parse(german)).hasMessage("section 'top', line 63: expected "
                + "'CPU usage: <n>% user, <n>% sys, <n>% idle', got \"CPU usage: 12,34% user, 5,67% sys, 81,99% idle\"");
    }
}
