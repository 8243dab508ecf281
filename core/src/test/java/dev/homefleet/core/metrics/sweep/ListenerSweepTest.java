package dev.homefleet.core.metrics.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.metrics.ListeningSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ListenerSweepTest {

    @Test
    void lsof_on_the_macbook_gives_every_listener_with_wildcards_by_address_family() {
        List<ListeningSocket> sockets = ListenerSweep.parse(Os.MACOS, Captures.read("macos/macbook-pro-m3-max-lsof.txt"));

        assertThat(sockets).containsExactly(
                new ListeningSocket(7000, "0.0.0.0", 612, "ControlCenter"),
                new ListeningSocket(7000, "::", 612, "ControlCenter"),
                new ListeningSocket(5000, "0.0.0.0", 612, "ControlCenter"),
                new ListeningSocket(5000, "::", 612, "ControlCenter"),
                new ListeningSocket(49152, "0.0.0.0", 698, "rapportd"),
                new ListeningSocket(49152, "::", 698, "rapportd"),
                new ListeningSocket(11434, "::1", 1034, "ollama"),
                new ListeningSocket(18789, "0.0.0.0", 1187, "node"),
                new ListeningSocket(9009, "127.0.0.1", 1203, "node"),
                new ListeningSocket(9010, "127.0.0.1", 1219, "node"),
                new ListeningSocket(52643, "127.0.0.1", 9321, "Code Helper (Plugin)"));
    }

    @Test
    void a_socket_lsof_lists_for_two_descriptors_counts_once() {
        String shared = """
                ==> lsof <==
                COMMAND   PID         USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME
                node     2210 felipemacmini  23u  IPv6 0x8d1c2a7b3e4f5061      0t0  TCP *:2567 (LISTEN)
                node     2210 felipemacmini  24u  IPv6 0x8d1c2a7b3e4f5061      0t0  TCP *:2567 (LISTEN)
                node     2231 felipemacmini  23u  IPv6 0x8d1c2a7b3e4f6a19      0t0  TCP *:2568 (LISTEN)
                """;

        assertThat(ListenerSweep.parse(Os.MACOS, shared)).containsExactly(
                new ListeningSocket(2567, "::", 2210, "node"),
                new ListeningSocket(2568, "::", 2231, "node"));
    }

    @Test
    void lsof_with_nothing_listening_prints_nothing_and_that_is_no_sockets() {
        assertThat(ListenerSweep.parse(Os.MACOS, "Agent pid 48213\n\n==> lsof <==\n")).isEmpty();
    }

    @Test
    void an_lsof_line_in_another_form_is_named() {
        String udp = "\n==> lsof <==\nCOMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\n"
                + "mDNSRespo 401 _mdnsresponder 8u IPv4 0x8d1c2a7b3e4f5061 0t0 UDP *:5353\n";

        assertThatThrownBy(() -> ListenerSweep.parse(Os.MACOS, udp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("section 'lsof', line 4: expected '<command> <pid> <user> <fd> IPv4|IPv6 <device> "
                        + "<size/off> TCP <address>:<port> (LISTEN)', got "
                        + "\"mDNSRespo 401 _mdnsresponder 8u IPv4 0x8d1c2a7b3e4f5061 0t0 UDP *:5353\"");
    }

    @Test
    void ss_captured_here_gives_addresses_plain_and_no_pid_where_ss_cannot_see_the_process() {
        List<ListeningSocket> sockets = ListenerSweep.parse(Os.LINUX, Captures.read("linux/debian12-vm-ss.txt"));

        assertThat(sockets).containsExactly(
                new ListeningSocket(9010, "127.0.0.1", 7108, "python3"),
                new ListeningSocket(9009, "127.0.0.1", 7108, "python3"),
                new ListeningSocket(2024, "0.0.0.0", -1, ""),
                new ListeningSocket(18789, "0.0.0.0", 7106, "node"),
                new ListeningSocket(2568, "::1", 7108, "python3"),
                new ListeningSocket(11434, "::", 7108, "python3"),
                new ListeningSocket(38831, "127.0.0.1", 6690, "java"),
                new ListeningSocket(40759, "127.0.0.1", 6690, "java"));
    }

    @Test
    void ss_with_a_header_scoped_addresses_and_several_users_reads_the_first_user() {
        String old = """
                ==> ss <==
                State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
                LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=612,fd=14))
                LISTEN 0      511          0.0.0.0:80         0.0.0.0:*    users:(("nginx",pid=1302,fd=6),("nginx",pid=1301,fd=6))
                LISTEN 0      128   [fe80::1%eth0]:8080          [::]:*    users:(("Web Content",pid=4410,fd=31))
                """;

        assertThat(ListenerSweep.parse(Os.LINUX, old)).containsExactly(
                new ListeningSocket(53, "127.0.0.53", 612, "systemd-resolve"),
                new ListeningSocket(80, "0.0.0.0", 1302, "nginx"),
                new ListeningSocket(8080, "fe80::1", 4410, "Web Content"));
    }

    @Test
    void an_ss_line_in_another_form_is_named() {
        String broken = "\n==> ss <==\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(sshd)\n";

        assertThatThrownBy(() -> ListenerSweep.parse(Os.LINUX, broken)).hasMessageStartingWith(
                "section 'ss', line 3: expected '<state> <recv-q> <send-q> <address>:<port>");
    }

    @Test
    void a_socket_this_test_opens_shows_up_in_the_live_ss_sweep_with_this_pid() throws Exception {
        assertThat(Path.of("/proc/net/tcp")).as("a Linux machine").exists();
        assertThat(Stream.of("/usr/bin/ss", "/bin/ss", "/usr/sbin/ss", "/sbin/ss").map(Path::of).anyMatch(Files::exists))
                .as("iproute2's ss").isTrue();

        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String output = Captures.runLocally(ListenerSweep.argv(Os.LINUX), Duration.ofSeconds(20));

            assertThat(ListenerSweep.parse(Os.LINUX, output)).contains(new ListeningSocket(
                    server.getLocalPort(), "127.0.0.1", (int) ProcessHandle.current().pid(), "java"));
        }
    }

    @Test
    void get_net_tcp_connection_on_the_msi_gives_every_listener_with_its_process() {
        List<ListeningSocket> sockets = ListenerSweep.parse(Os.WINDOWS, Captures.read("windows/msi-listeners.json"));

        assertThat(sockets).hasSize(23).startsWith(
                new ListeningSocket(22, "0.0.0.0", 4012, "sshd"),
                new ListeningSocket(22, "::", 4012, "sshd"));
        assertThat(sockets).contains(
                new ListeningSocket(139, "10.144.238.120", 4, "System"),
                new ListeningSocket(6463, "127.0.0.1", 14320, "Discord"),
                new ListeningSocket(61212, "100.67.241.32", 3920, "tailscaled"),
                new ListeningSocket(61212, "fd7a:115c:a1e0::8d01:f120", 3920, "tailscaled"));
    }

    @Test
    void one_windows_listener_may_come_as_a_bare_object_and_none_as_an_empty_array() {
        String one = "{\"LocalAddress\":\"0.0.0.0\",\"LocalPort\":22,\"OwningProcess\":4012,\"ProcessName\":\"sshd\"}";
        String gone = "[{\"LocalAddress\":\"::\",\"LocalPort\":49670,\"OwningProcess\":5123,\"ProcessName\":null}]";

        assertThat(ListenerSweep.parse(Os.WINDOWS, one)).containsExactly(new ListeningSocket(22, "0.0.0.0", 4012, "sshd"));
        assertThat(ListenerSweep.parse(Os.WINDOWS, "[]\r\n")).isEmpty();
        assertThat(ListenerSweep.parse(Os.WINDOWS, gone)).as("the process ended before Get-Process ran")
                .containsExactly(new ListeningSocket(49670, "::", 5123, ""));
    }

    @Test
    void a_windows_listener_without_a_port_is_named() {
        assertThatThrownBy(() -> ListenerSweep.parse(Os.WINDOWS, "[{\"LocalAddress\":\"::\",\"OwningProcess\":4}]"))
                .hasMessage("Windows listener sweep, JSON starting at line 1: LocalAddress and LocalPort should be "
                        + "an address and a port 0-65535, got {\"LocalAddress\":\"::\",\"OwningProcess\":4}");
    }

    @Test
    void the_scripts_run_lsof_ss_and_get_net_tcp_connection() {
        assertThat(ListenerSweep.argv(Os.MACOS)).startsWith("/bin/sh", "-c").last().asString()
                .contains("s lsof; lsof +c 0 -nP -iTCP -sTCP:LISTEN");
        assertThat(ListenerSweep.argv(Os.LINUX)).last().asString().contains("s ss; ss -ltnpH");
        assertThat(ListenerSweep.argv(Os.WINDOWS)).startsWith("powershell.exe").last().asString()
                .contains("Get-NetTCPConnection -State Listen", "Select-Object LocalAddress, LocalPort, OwningProcess",
                        "ConvertTo-Json -InputObject $rows")
                .doesNotContain("\"");
    }
}
