package dev.homefleet.core.metrics.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.exec.ShellQuoting;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MetricsSweepTest {

    @Test
    void macos_and_linux_sweep_in_one_sh_run_with_a_marker_per_command() {
        List<String> mac = MetricsSweep.argv(Os.MACOS);
        List<String> linux = MetricsSweep.argv(Os.LINUX);

        assertThat(mac).hasSize(3).startsWith("/bin/sh", "-c");
        assertThat(linux).hasSize(3).startsWith("/bin/sh", "-c");
        assertThat(mac.get(2)).contains("s vm_stat; vm_stat", "s top; top -l 2 -n 0 -s 1", "s df; df -kl",
                "sysctl vm.swapusage", "sysctl -n hw.memsize", "sysctl -n kern.boottime", "date +%s");
        assertThat(linux.get(2)).contains("/proc/stat", "/proc/meminfo", "/proc/loadavg", "/proc/uptime",
                "df -kPTl");
    }

    @Test
    void the_windows_sweep_is_one_powershell_run_without_double_quotes() {
        List<String> windows = MetricsSweep.argv(Os.WINDOWS);

        assertThat(windows).hasSize(5).startsWith("powershell.exe", "-NoProfile", "-NonInteractive", "-Command");
        assertThat(windows.get(4))
                .contains("Win32_OperatingSystem", "Win32_Processor", "Win32_PageFileUsage",
                        "Win32_LogicalDisk -Filter 'DriveType=3'", "Get-Process", "ConvertTo-Json -Compress")
                .doesNotContain("\"", "\n");
        assertThat(ShellQuoting.powershell(windows)).startsWith("powershell.exe -NoProfile -NonInteractive -EncodedCommand ");
    }

    @Test
    void ios_has_no_sweep() {
        assertThatThrownBy(() -> MetricsSweep.argv(Os.IOS))
                .hasMessage("no command sweep for ios: only macos, linux and windows run one");
        assertThatThrownBy(() -> MetricsSweep.parse(Os.IOS, "", Instant.EPOCH))
                .hasMessage("no command sweep for ios: only macos, linux and windows run one");
    }

    @ParameterizedTest
    @EnumSource(value = Os.class, names = {"MACOS", "LINUX"})
    void output_with_no_marker_is_rejected_and_quoted(Os os) {
        assertThatThrownBy(() -> MetricsSweep.parse(os, "\nsh: 1: /bin/sh: Permission denied\n", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(" metrics sweep: no '==> name <==' section marker in the output; it starts "
                        + "\"sh: 1: /bin/sh: Permission denied\"");
    }

    @Test
    void a_section_printed_twice_is_rejected() {
        String twice = "==> memsize <==\n17179869184\n==> memsize <==\n17179869184\n";

        assertThatThrownBy(() -> MetricsSweep.parse(Os.MACOS, twice, Instant.EPOCH))
                .hasMessage("macOS metrics sweep: section 'memsize' appears twice, the second time at line 3");
    }
}
