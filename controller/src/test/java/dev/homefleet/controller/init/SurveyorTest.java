package dev.homefleet.controller.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.cli.CliContext;
import dev.homefleet.controller.cli.FleetCommand;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.launchd.plist.KeepAlive;
import dev.homefleet.launchd.plist.LaunchdJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The macOS survey, run here with the real tools it uses that this machine has too: lsof for the listeners, ps,
 * and plists written into a HOME of the test's own. launchctl is not here, which the survey says in a note.
 */
class SurveyorTest {

    private static final HostFacts MAC = new HostFacts("Test-Mac.local", Os.MACOS, null, null, "test-mac.local");

    @TempDir
    Path home;

    private Survey survey() {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        LocalCommandRunner runner = LocalCommandRunner.builder().environment("PATH", env.get("PATH"))
                .environment("HOME", home.toString()).build();
        return new Surveyor(runner, home, env).survey(MAC);
    }

    private void agent(String file, String content) throws Exception {
        Files.writeString(Files.createDirectories(home.resolve("Library/LaunchAgents")).resolve(file), content);
    }

    @Test
    void lsof_finds_this_jvms_listener_with_its_pid_and_command_line() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Survey survey = survey();

            int pid = (int) ProcessHandle.current().pid();
            assertThat(survey.sockets()).contains(new ListeningSocket(socket.getLocalPort(), "127.0.0.1", pid, "java"));
            assertThat(survey.commandLines().get(pid)).first().asString().endsWith("java");
            assertThat(survey.notes()).contains("pm2 is not on PATH: no pm2 apps read",
                    "launchctl is not on PATH: listeners are not matched to launchd jobs");
        }
    }

    @Test
    void launch_agents_become_launchd_services_in_a_file_fleet_validate_accepts() throws Exception {
        agent("com.clawdbot.gateway.plist", LaunchdJob.builder("com.clawdbot.gateway")
                .programArguments(List.of("/opt/homebrew/bin/node", "/Users/me/clawd/gateway.js"))
                .keepAlive(KeepAlive.ALWAYS).runAtLoad(true).build().toXml());
        agent("com.me.backup.plist", LaunchdJob.builder("com.me.backup")
                .programArguments(List.of("/usr/local/bin/backup", "--password", "hunter2")).startInterval(3600).build()
                .toXml());
        agent("dev.homefleet.agent.plist", LaunchdJob.builder("dev.homefleet.agent").build().toXml());
        agent("broken.plist", "<plist><dict><key>Label</key>");
        agent("notes.txt", "not a plist");

        Survey survey = survey();

        assertThat(survey.agents()).extracting(LaunchAgent::file).containsExactly(
                "~/Library/LaunchAgents/broken.plist", "~/Library/LaunchAgents/com.clawdbot.gateway.plist",
                "~/Library/LaunchAgents/com.me.backup.plist", "~/Library/LaunchAgents/dev.homefleet.agent.plist");
        assertThat(survey.agents().get(0).problem()).startsWith("~/Library/LaunchAgents/broken.plist is not a valid "
                + "property list");
        StarterPlan plan = StarterPlan.of(survey, 8420);
        String text = StarterFile.render(plan, Instant.now());
        assertThat(text).doesNotContain("hunter2");
        Path file = home.resolve("fleet.yaml");
        Files.writeString(file, text);

        StringWriter out = new StringWriter();
        CommandLine fleet = FleetCommand.commandLine(new CliContext(Map.of(), home, home));
        fleet.setOut(new PrintWriter(out, true));
        fleet.setErr(new PrintWriter(out, true));
        int exit = fleet.execute("validate", file.toString());

        assertThat(out.toString()).as(text).isEqualTo("fleet.yaml: OK (1 machines, 2 services)\n");
        assertThat(exit).isZero();
        Map<String, ServiceSpec> services = new FleetConfigLoader(Map.of()).load(file).config().machines()
                .get("test-mac").services();
        assertThat(services).containsOnlyKeys("clawdbot-gateway", "me-backup");
        ManagerSpec gateway = services.get("clawdbot-gateway").manager();
        assertThat(gateway.type()).isEqualTo(ManagerSpec.Type.LAUNCHD);
        assertThat(gateway.label()).isEqualTo("com.clawdbot.gateway");
        assertThat(gateway.plist()).isEqualTo("~/Library/LaunchAgents/com.clawdbot.gateway.plist");
        assertThat(services.get("clawdbot-gateway").check().manager()).isTrue();
        assertThat(services.get("me-backup").check()).isNull();
        assertThat(text).contains("    #   " + Planner.SKIP_UNREADABLE + ":\n    #     ~/Library/LaunchAgents/broken.plist")
                .contains("    #     LaunchAgent dev.homefleet.agent (~/Library/LaunchAgents/dev.homefleet.agent.plist)");
    }
}
