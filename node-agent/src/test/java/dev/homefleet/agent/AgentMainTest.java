package dev.homefleet.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AgentMainTest {

    private static final String SHIPPED = Path.of("..", "fleet.yaml").toAbsolutePath().normalize().toString();

    @TempDir
    Path home;

    private record Run(int code, String out, String err) {}

    private Run identify(String hostname, Set<String> addresses, String... args) {
        AgentMain.Host host = new AgentMain.Host() {
            @Override
            public String hostname() {
                return hostname;
            }

            @Override
            public Set<String> addresses() {
                return addresses;
            }
        };
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = AgentMain.commandLine(Map.of("HOMEFLEET_CONFIG", SHIPPED), home, host, server -> { });
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "identify";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(line.execute(all), out.toString(), err.toString());
    }

    @Test
    void the_mac_mini_recognises_itself_by_its_mdns_name_and_lists_what_it_runs() {
        Run run = identify("felipes-mac-mini.local", Set.of());
        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("macmini: Mac Mini, worker and failover standby\n")
                .contains("  aphos-server-prod (pm2, port 2567)\n", "  caffeinate (launchd)\n");
    }

    @Test
    void a_host_the_fleet_does_not_know_is_told_to_name_its_machine() {
        Run run = identify("build-box", Set.of("127.0.0.1"));
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("homefleet-agent: host 'build-box' matches no machine of " + SHIPPED
                + "; pass --machine NAME\n");
        assertThat(identify("build-box", Set.of(), "--machine", "msi").out()).startsWith("msi: Windows MSI");
    }
}
