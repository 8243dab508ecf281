package dev.homefleet.core.metrics.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.MachineMetrics.DiskUsage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Windows sweep, on JSON shaped as Windows PowerShell 5.1's ConvertTo-Json -Compress writes the script's object
 * (CRLF line ends), with the documented units of the CIM properties: kilobytes for TotalVisibleMemorySize and
 * FreePhysicalMemory, megabytes for AllocatedBaseSize and CurrentUsage, bytes for Size and FreeSpace.
 */
class WindowsSweepTest {

    private static final Instant AT = Instant.parse("2026-01-29T10:15:43Z");
    private static final long KIB = 1024;
    private static final long MIB = 1024 * 1024;
    private static final String MSI = Captures.read("windows/msi-sweep.json");
    private static final String NO_PAGE_FILE = Captures.read("windows/msi-no-pagefile-sweep.json");

    private static MachineMetrics parse(String output) {
        return MetricsSweep.parse(Os.WINDOWS, output, AT);
    }

    @Test
    void the_gaming_pc_capture_gives_exact_values_for_two_disks() {
        MachineMetrics m = parse(MSI);

        assertThat(m.memoryTotal()).isEqualTo(33_270_812L * KIB);
        assertThat(m.memoryUsed()).as("total - free").isEqualTo((33_270_812L - 19_873_452L) * KIB);
        assertThat(m.swapTotal()).isEqualTo(4_864L * MIB);
        assertThat(m.swapUsed()).isEqualTo(612L * MIB);
        assertThat(m.cpuPercent()).isEqualTo(9);
        assertThat(m.load1()).as("Windows has no load average").isEqualTo(-1);
        assertThat(m.processes()).isEqualTo(312);
        assertThat(m.uptimeSeconds()).as("LocalDateTime - LastBootUpTime, 2 days 9:28:23.625")
                .isEqualTo(2 * 86_400 + 9 * 3_600 + 28 * 60 + 23);
        assertThat(m.disks()).containsExactly(
                new DiskUsage("C:", 999_271_542_784L - 387_521_261_568L, 999_271_542_784L),
                new DiskUsage("D:", 2_000_381_014_016L - 1_123_456_790_528L, 2_000_381_014_016L));
    }

    @Test
    void no_page_file_is_a_swap_of_zero_and_a_null_load_is_unknown() {
        MachineMetrics m = parse(NO_PAGE_FILE);

        assertThat(m.swapTotal()).isZero();
        assertThat(m.swapUsed()).isZero();
        assertThat(m.swapPercent()).isEqualTo(-1);
        assertThat(m.cpuPercent()).isEqualTo(-1);
        assertThat(m.memoryUsed()).isEqualTo((33_270_812L - 6_123_004L) * KIB);
        assertThat(m.uptimeSeconds()).isEqualTo(8 * 3_600 + 13 * 60 + 33);
        assertThat(m.disks()).extracting(DiskUsage::mount).containsExactly("C:", "D:");
    }

    @Test
    void a_banner_before_the_json_is_ignored() {
        String banner = "Windows PowerShell\r\nCopyright (C) Microsoft Corporation. All rights reserved.\r\n\r\n";

        assertThat(parse(banner + MSI)).isEqualTo(parse(MSI));
    }

    @Test
    void a_lone_disk_object_and_powershells_value_count_wrapper_read_as_lists() {
        String lone = MSI.replace("\"Disks\":[{\"DeviceID\":\"C:\",\"Size\":999271542784,\"FreeSpace\":387521261568},"
                + "{\"DeviceID\":\"D:\",\"Size\":2000381014016,\"FreeSpace\":1123456790528}]",
                "\"Disks\":{\"DeviceID\":\"C:\",\"Size\":999271542784,\"FreeSpace\":387521261568}");
        String wrapped = MSI.replace("\"PageFiles\":[{\"Name\":\"C:\\\\pagefile.sys\",\"AllocatedBaseSize\":4864,"
                + "\"CurrentUsage\":612}]", "\"PageFiles\":{\"value\":[{\"Name\":\"C:\\\\pagefile.sys\","
                + "\"AllocatedBaseSize\":4864,\"CurrentUsage\":612}],\"Count\":1}");

        assertThat(lone).isNotEqualTo(MSI);
        assertThat(wrapped).isNotEqualTo(MSI);
        assertThat(parse(lone).disks()).containsExactly(
                new DiskUsage("C:", 999_271_542_784L - 387_521_261_568L, 999_271_542_784L));
        assertThat(parse(wrapped).swapTotal()).isEqualTo(4_864L * MIB);
    }

    @Test
    void missing_properties_give_minus_one() {
        MachineMetrics m = parse("{\"Processes\":12}");

        assertThat(m).isEqualTo(new MachineMetrics(AT, -1, -1, -1, -1, -1, -1, List.of(), 12, -1));
    }

    @Test
    void a_property_of_the_wrong_kind_is_named() {
        String text = MSI.replace("\"FreePhysicalMemory\":19873452", "\"FreePhysicalMemory\":\"19873452 KB\"");

        assertThatThrownBy(() -> parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Windows metrics sweep, JSON starting at line 1: FreePhysicalMemory should be a whole "
                        + "number, got \"19873452 KB\"");
    }

    @Test
    void output_without_json_is_rejected() {
        assertThatThrownBy(() -> parse("Get-CimInstance : Access denied \r\nAt line:1 char:7\r\n"))
                .hasMessage("Windows metrics sweep: no JSON object in the output; it starts "
                        + "\"Get-CimInstance : Access denied\"");
    }

    @Test
    void broken_json_is_rejected_with_its_line() {
        assertThatThrownBy(() -> parse("#< CLIXML\r\n{\"Processes\":12,")).hasMessageStartingWith(
                "Windows metrics sweep, line 2: the JSON does not parse (");
    }
}
