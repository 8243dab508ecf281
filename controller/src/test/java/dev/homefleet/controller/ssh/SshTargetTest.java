package dev.homefleet.controller.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.SshSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where fleet.yaml and ~/.ssh/config together say a machine is. */
class SshTargetTest {

    @TempDir
    Path home;

    private static SshSpec spec(String host, String user, Integer port, String identity, String proxy) {
        return new SshSpec(host, user, port, identity, proxy, null, null, null);
    }

    private SshTarget resolve(SshSpec ssh) throws Exception {
        return SshTarget.resolve(Machines.ssh("msi", ssh), home, "felipevieira");
    }

    private void config(String text) throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/config"), text);
    }

    @Test
    void without_ssh_config_the_fleet_values_and_the_defaults_apply() throws Exception {
        SshTarget target = resolve(spec("felipes-mac-mini.local", "felipemacmini", null, null, null));

        assertThat(target.hostName()).isEqualTo("felipes-mac-mini.local");
        assertThat(target.port()).isEqualTo(22);
        assertThat(target.user()).isEqualTo("felipemacmini");
        assertThat(target.identities()).containsExactly(home.resolve(".ssh/id_ed25519"),
                home.resolve(".ssh/id_ecdsa"), home.resolve(".ssh/id_rsa"));
        assertThat(target.namedKeys()).isFalse();
        assertThat(target.knownHosts()).isEqualTo(home.resolve(".ssh/known_hosts"));
        assertThat(target.connectTimeout()).isEqualTo(SshSpec.DEFAULT_CONNECT_TIMEOUT);
        assertThat(target.commandTimeout()).isEqualTo(SshSpec.DEFAULT_COMMAND_TIMEOUT);
        assertThat(target.shell()).isEqualTo(SshSpec.Shell.POSIX);
        assertThat(target.hostId()).isEqualTo("felipes-mac-mini.local");
        assertThat(target.describe()).isEqualTo("ssh felipemacmini@felipes-mac-mini.local:22");
    }

    @Test
    void a_host_alias_takes_host_name_port_user_and_identity_files_from_ssh_config() throws Exception {
        config("""
                Host other
                  HostName 10.0.0.9
                Host msi
                  HostName 100.67.241.32
                  Port 2222
                  User felipe
                  IdentityFile ~/.ssh/id_msi
                  IdentityFile %d/keys/%r@%h
                Host *
                  User ignored
                  IdentityFile ~/.ssh/id_everywhere
                """);

        SshTarget target = resolve(spec("msi", null, null, null, "socks5://localhost:1055"));

        assertThat(target.hostName()).isEqualTo("100.67.241.32");
        assertThat(target.port()).isEqualTo(2222);
        assertThat(target.user()).isEqualTo("felipe");
        assertThat(target.identities()).containsExactly(home.resolve(".ssh/id_msi"),
                home.resolve("keys/felipe@100.67.241.32"),
                home.resolve(".ssh/id_everywhere"));
        assertThat(target.namedKeys()).isTrue();
        assertThat(target.proxy()).contains(new SocksProxy("localhost", 1055, false));
        assertThat(target.hostId()).isEqualTo("[100.67.241.32]:2222");
        assertThat(target.describe()).isEqualTo("ssh felipe@100.67.241.32:2222 via socks5://localhost:1055");
    }

    @Test
    void includes_are_read_and_match_blocks_skipped_as_in_a_real_mac_config() throws Exception {
        Files.createDirectories(home.resolve(".ssh/conf.d"));
        Files.writeString(home.resolve(".ssh/conf.d/tailscale.conf"), "Host msi\n  HostName 100.67.241.32\n");
        Files.writeString(home.resolve(".ssh/conf.d/ignored.txt"), "Host msi\n  HostName 10.9.9.9\n");
        config("""
                Include ~/.orbstack/ssh/config
                Include conf.d/*.conf

                Match host msi exec "true"
                  User from-match

                Host msi
                  User felipe
                  ProxyCommand nc -x localhost:1055 %h %p

                Host *
                  AddKeysToAgent yes
                  UseKeychain yes
                """);

        SshTarget target = resolve(spec("msi", null, null, null, null));

        assertThat(target.hostName()).isEqualTo("100.67.241.32");
        assertThat(target.user()).isEqualTo("felipe");
        assertThat(target.proxy()).isEmpty();
    }

    @Test
    void what_fleet_yaml_says_wins_over_ssh_config() throws Exception {
        config("Host msi\n  Port 2222\n  User felipe\n  IdentityFile ~/.ssh/id_msi\n");

        SshTarget target = resolve(spec("msi", "admin", 2200, "~/keys/fleet", null));

        assertThat(target.hostName()).isEqualTo("msi");
        assertThat(target.port()).isEqualTo(2200);
        assertThat(target.user()).isEqualTo("admin");
        assertThat(target.identities()).containsExactly(home.resolve("keys/fleet"));
    }

    @Test
    void without_a_user_anywhere_the_local_user_is_used_as_ssh_does() throws Exception {
        assertThat(resolve(spec("box", null, null, null, null)).user()).isEqualTo("felipevieira");
    }

    @Test
    void windows_machines_get_powershell_quoting_unless_fleet_yaml_says_otherwise() throws Exception {
        MachineSpec windows = Machines.ssh("msi", MachineSpec.Os.WINDOWS, spec("msi", null, null, null, null));
        MachineSpec posixOnWindows = Machines.ssh("msi", MachineSpec.Os.WINDOWS,
                new SshSpec("msi", null, null, null, null, null, null, SshSpec.Shell.POSIX));

        assertThat(SshTarget.resolve(windows, home, "me").shell()).isEqualTo(SshSpec.Shell.POWERSHELL);
        assertThat(SshTarget.resolve(posixOnWindows, home, "me").shell()).isEqualTo(SshSpec.Shell.POSIX);
    }

    @Test
    void a_machine_without_reach_ssh_has_no_target() {
        MachineSpec local = new MachineSpec("macbook", null, MachineSpec.Os.MACOS, null, null, null,
                new ReachSpec(ReachSpec.Via.LOCAL, null), null, null);

        assertThatThrownBy(() -> SshTarget.resolve(local, home, "me"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("machine macbook has no reach.ssh block; it is not reached over SSH");
    }

    @Test
    void the_timeouts_come_from_fleet_yaml() throws Exception {
        SshSpec ssh = new SshSpec("msi", null, null, null, null, Duration.ofSeconds(15), Duration.ofMinutes(2), null);

        SshTarget target = resolve(ssh);

        assertThat(target.connectTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(target.commandTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @CsvSource({
            "socks5://localhost:1055, localhost, 1055, false, socks5://localhost:1055",
            "socks5h://127.0.0.1:9050, 127.0.0.1, 9050, true, socks5h://127.0.0.1:9050",
            "socks5://[::1]:1080, ::1, 1080, false, socks5://[::1]:1080"})
    void socks_proxies_are_read_from_their_uri(String uri, String host, int port, boolean remoteDns, String shown) {
        SocksProxy proxy = SocksProxy.parse(uri);

        assertThat(proxy).isEqualTo(new SocksProxy(host, port, remoteDns));
        assertThat(proxy.toString()).isEqualTo(shown);
    }

    @Test
    void a_proxy_that_is_not_socks5_is_rejected() {
        assertThatThrownBy(() -> SocksProxy.parse("http://localhost:3128"))
                .hasMessage("'http://localhost:3128' is not a SOCKS5 proxy; write socks5://HOST:PORT");
    }
}
