package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.launchd.render.HomefleetAgents;
import dev.homefleet.launchd.render.HomefleetAgents.Daemon;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fleet launchd} through the real command line. install and uninstall run against the fake launchctl of the
 * launchd module's tests (launchd/src/test/resources/fake-launchctl), first on the PATH the command is given.
 */
class LaunchdCommandTest {

    @TempDir
    Path cwd;
    @TempDir
    Path home;
    @TempDir
    Path tools;

    private Path bin;
    private Path jar;
    private Path jvmOptions;

    record Run(int exitCode, String out, String err) {}

    @BeforeEach
    void aFleetAJarAndAFakeLaunchctl() throws Exception {
        Files.writeString(cwd.resolve("fleet.yaml"), """
                version: 1
                controller: {machine: macbook}
                machines:
                  macbook:
                    os: macos
                    reach: {via: local}
                    services:
                      clawdbot-gateway:
                        manager:
                          type: launchd
                          label: com.clawdbot.gateway
                          command: [/opt/homebrew/bin/node, ~/clawd/gateway.js, --port, "18789"]
                          env: {CLAWDBOT_TELEGRAM_ENABLED: "true"}
                      crabwalk:
                        manager: {type: launchd, label: com.clawdbot.crabwalk}
                  macmini:
                    os: macos
                    reach:
                      via: ssh
                      ssh: {host: felipes-mac-mini.local, user: felipemacmini}
                    agent: {port: 8421, bind: loopback, token: "${HOMEFLEET_AGENT_TOKEN}"}
                    services:
                      clawdbot-gateway:
                        manager:
                          type: launchd
                          label: com.clawdbot.gateway
                          command: [/opt/homebrew/bin/node, ~/clawd/gateway.js, --port, "18789"]
                          env: {CLAWDBOT_TELEGRAM_ENABLED: "false"}
                      system-cleanup:
                        manager:
                          type: launchd
                          label: com.clawdbot.system-cleanup
                          command: [/bin/bash, ~/clawd/utils/system-cleanup.sh]
                          schedule: "@every 15m"
                      aphos-server-prod:
                        manager: {type: pm2, name: aphos-server-prod}
                """);
        jar = Files.writeString(tools.resolve("homefleet-controller.jar"), "not really a jar");
        jvmOptions = Files.writeString(tools.resolve("jvm.options"), "# flags\n-XX:+UseSerialGC\n-Xmx128m # heap\n");
        bin = Files.createDirectories(tools.resolve("bin"));
        for (String name : List.of("launchctl", "id")) {
            Path target = Files.copy(Path.of("../launchd/src/test/resources/fake-launchctl", name), bin.resolve(name));
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private Run fleet(String path, String... args) {
        CliContext context = new CliContext(Map.of("PATH", path), cwd, home);
        CommandLine line = FleetCommand.commandLine(context);
        if (!line.getSubcommands().containsKey("launchd")) {
            line.addSubcommand(LaunchdCommand.commandLine(context));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** On a Mac: the fake launchctl first on PATH. */
    private Run mac(String... args) {
        return fleet(bin + ":/usr/bin:/bin", args);
    }

    /** On this Linux machine as it is: no launchctl anywhere on PATH. */
    private Run linux(String... args) {
        return fleet("/usr/bin:/bin", args);
    }

    private String[] withJar(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--jar", jar.toString(), "--java", "/usr/bin/java", "--jvm-options", jvmOptions.toString()));
        return all.toArray(String[]::new);
    }

    private List<String> calls() throws Exception {
        Path log = bin.resolve("launchctl.calls");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static LaunchdJob parse(String xml) throws Exception {
        return LaunchdJob.fromDictionary((NSDictionary) PropertyListParser.parse(xml.getBytes(StandardCharsets.UTF_8)),
                "output");
    }

    private String plist() {
        return home + "/Library/LaunchAgents/dev.homefleet.agent.plist";
    }

    @Test
    void render_agent_prints_the_launch_agent_that_install_would_write() throws Exception {
        Run run = linux(withJar("launchd", "render", "agent", "--machine", "macmini"));

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        LaunchdJob job = parse(run.out());
        assertThat(job).isEqualTo(HomefleetAgents.render(Daemon.AGENT, new HomefleetAgents.Inputs("/usr/bin/java",
                List.of("-XX:+UseSerialGC", "-Xmx128m"), jar.toString(), cwd.resolve("fleet.yaml").toString(),
                home.toString(), List.of("--machine", "macmini"))));
        assertThat(job.programArguments()).containsExactly("/usr/bin/java", "-XX:+UseSerialGC", "-Xmx128m", "-jar",
                jar.toString(), "agent", "--machine", "macmini");
        assertThat(job.environmentVariables()).containsEntry("HOMEFLEET_CONFIG", cwd.resolve("fleet.yaml").toString());
        assertThat(run.out()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC");
    }

    @Test
    void render_controller_runs_the_jars_controller_command_and_takes_no_machine() throws Exception {
        Run run = linux(withJar("launchd", "render", "controller"));
        Run withMachine = linux(withJar("launchd", "render", "controller", "--machine", "macmini"));

        assertThat(run.exitCode()).isZero();
        assertThat(parse(run.out()).programArguments()).endsWith("-jar", jar.toString(), "controller");
        assertThat(parse(run.out()).label()).isEqualTo("dev.homefleet.controller");
        assertThat(withMachine.exitCode()).isEqualTo(2);
        assertThat(withMachine.err()).isEqualTo("fleet: --machine is for the agent and for services; the controller "
                + "runs on controller.machine\n");
    }

    @Test
    void render_service_writes_the_plist_of_a_fleet_yaml_launchd_service_from_its_command_env_and_schedule()
            throws Exception {
        Run gateway = linux("launchd", "render", "clawdbot-gateway", "--machine", "macmini", "--home",
                "/Users/felipemacmini");
        Run cleanup = linux("launchd", "render", "system-cleanup");

        assertThat(gateway.exitCode()).isZero();
        LaunchdJob job = parse(gateway.out());
        assertThat(job.label()).isEqualTo("com.clawdbot.gateway");
        assertThat(job.programArguments()).containsExactly("/opt/homebrew/bin/node",
                "/Users/felipemacmini/clawd/gateway.js", "--port", "18789");
        assertThat(job.environmentVariables()).containsExactly(Map.entry("CLAWDBOT_TELEGRAM_ENABLED", "false"));
        assertThat(job.standardOutPath()).isEqualTo("/Users/felipemacmini/Library/Logs/homefleet/clawdbot-gateway.out.log");
        assertThat(cleanup.exitCode()).isZero();
        assertThat(parse(cleanup.out()).startInterval()).isEqualTo(900);
    }

    @Test
    void render_service_says_which_key_is_missing_which_machine_to_pick_and_what_is_no_launchd_service() {
        Run noCommand = linux("launchd", "render", "crabwalk");
        Run twoMachines = linux("launchd", "render", "clawdbot-gateway");
        Run pm2 = linux("launchd", "render", "aphos-server-prod");
        Run typo = linux("launchd", "render", "crabwalkk");

        assertThat(noCommand.exitCode()).isEqualTo(1);
        assertThat(noCommand.err()).isEqualTo("fleet: machines.macbook.services.crabwalk.manager has no 'command': add "
                + "the program and its arguments (command: [/path/to/program, arg]) so homefleet can write the "
                + "plist's ProgramArguments\n");
        assertThat(twoMachines.exitCode()).isEqualTo(2);
        assertThat(twoMachines.err()).isEqualTo("fleet: clawdbot-gateway is on macbook and macmini; pass --machine "
                + "MACHINE\n");
        assertThat(pm2.exitCode()).isEqualTo(2);
        assertThat(pm2.err()).isEqualTo("fleet: aphos-server-prod on macmini is managed by pm2, not launchd\n");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).startsWith("fleet: no service named 'crabwalkk' in the fleet file")
                .contains("crabwalk");
    }

    @Test
    void install_agent_writes_the_plist_and_bootstraps_it_into_the_users_gui_domain() throws Exception {
        Run run = mac(withJar("launchd", "install", "agent", "--machine", "macbook"));

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("wrote " + plist() + "\n"
                + "launchctl enable gui/501/dev.homefleet.agent\n"
                + "launchctl bootstrap gui/501 " + plist() + "\n"
                + "dev.homefleet.agent is running (pid 4242); logs: " + home + "/Library/Logs/homefleet/agent.out.log, "
                + home + "/Library/Logs/homefleet/agent.err.log\n");
        assertThat(parse(Files.readString(Path.of(plist()))).label()).isEqualTo("dev.homefleet.agent");
        assertThat(home.resolve("Library/Logs/homefleet")).isDirectory();
        assertThat(calls()).containsExactly("print gui/501/dev.homefleet.agent", "enable gui/501/dev.homefleet.agent",
                "bootstrap gui/501 " + plist(), "print gui/501/dev.homefleet.agent");
    }

    @Test
    void installing_again_boots_the_loaded_agent_out_so_launchd_reads_the_new_plist() {
        mac(withJar("launchd", "install", "agent"));

        Run again = mac(withJar("launchd", "install", "agent", "--machine", "macmini"));

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("launchctl bootout gui/501/dev.homefleet.agent\n"
                + "launchctl bootstrap gui/501 " + plist() + "\n"
                + "dev.homefleet.agent is running (pid 4243)");
    }

    @Test
    void install_warns_that_a_token_in_an_environment_variable_does_not_reach_a_launch_agent() {
        Run run = mac(withJar("launchd", "install", "agent", "--machine", "macmini"));

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEqualTo("fleet: warning: machines.macmini.agent.token is ${HOMEFLEET_AGENT_TOKEN}, but "
                + "a LaunchAgent does not get your shell's environment; write it as file:PATH (a file only you can "
                + "read) so the agent finds it\n");
    }

    @Test
    void on_old_macos_install_loads_with_load_w_and_uninstall_unloads() throws Exception {
        Files.writeString(bin.resolve("old-macos"), "");

        Run install = mac(withJar("launchd", "install", "agent"));
        Run uninstall = mac("launchd", "uninstall", "agent");

        assertThat(install.exitCode()).isZero();
        assertThat(install.out()).isEqualTo("wrote " + plist() + "\n"
                + "launchctl load -w " + plist() + "\n"
                + "dev.homefleet.agent is running (pid 4242); logs: " + home + "/Library/Logs/homefleet/agent.out.log, "
                + home + "/Library/Logs/homefleet/agent.err.log\n");
        assertThat(uninstall.exitCode()).isZero();
        assertThat(uninstall.out()).isEqualTo("launchctl unload " + plist() + "\nremoved " + plist() + "\n");
        assertThat(calls()).containsExactly("print gui/501/dev.homefleet.agent", "list dev.homefleet.agent",
                "load -w " + plist(), "list dev.homefleet.agent", "bootout gui/501/dev.homefleet.agent",
                "unload " + plist());
    }

    @Test
    void uninstall_boots_the_agent_out_and_removes_its_plist_and_then_finds_nothing_to_do() {
        mac(withJar("launchd", "install", "agent"));

        Run first = mac("launchd", "uninstall", "agent");
        Run second = mac("launchd", "uninstall", "agent");

        assertThat(first.exitCode()).isZero();
        assertThat(first.out()).isEqualTo("launchctl bootout gui/501/dev.homefleet.agent\nremoved " + plist() + "\n");
        assertThat(Path.of(plist())).doesNotExist();
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).isEqualTo("dev.homefleet.agent is not installed: launchd does not know it and there "
                + "is no " + plist() + "\n");
    }

    @Test
    void without_launchctl_install_and_uninstall_say_so_plainly_and_exit_2() {
        Run install = linux(withJar("launchd", "install", "agent"));
        Run uninstall = linux("launchd", "uninstall", "controller");

        assertThat(install.exitCode()).isEqualTo(2);
        assertThat(install.err()).isEqualTo("fleet: launchctl not found: launchd runs only on macOS; on this machine "
                + "run the agent another way (see README)\n");
        assertThat(install.out()).isEmpty();
        assertThat(home.resolve("Library")).doesNotExist();
        assertThat(uninstall.exitCode()).isEqualTo(2);
        assertThat(uninstall.err()).isEqualTo("fleet: launchctl not found: launchd runs only on macOS; on this "
                + "machine run the controller another way (see README)\n");
    }

    @Test
    void a_launchctl_that_refuses_is_reported_with_its_words_and_exit_1() throws Exception {
        mac(withJar("launchd", "install", "agent"));
        Files.writeString(bin.resolve("launchctl"), "#!/bin/sh\ncase $1 in print) exit 113;; esac\n"
                + "echo 'Bootstrap failed: 5: Input/output error' >&2\nexit 5\n");

        Run run = mac(withJar("launchd", "install", "agent"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).endsWith("\nfleet: launchctl enable gui/501/dev.homefleet.agent failed on local (exit 5): "
                + "Bootstrap failed: 5: Input/output error\n");
    }

    @Test
    void install_controller_writes_the_controller_plist_that_runs_fleet_controller() throws Exception {
        Run run = mac(withJar("launchd", "install", "controller"));

        Path written = home.resolve("Library/LaunchAgents/dev.homefleet.controller.plist");
        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("wrote " + written + "\n"
                + "launchctl enable gui/501/dev.homefleet.controller\n"
                + "launchctl bootstrap gui/501 " + written + "\n");
        assertThat(parse(Files.readString(written)).programArguments()).endsWith("-jar", jar.toString(), "controller");
    }

    @Test
    void install_takes_only_homefleets_own_daemons_and_needs_the_jar_to_exist() throws Exception {
        Run service = mac(withJar("launchd", "install", "clawdbot-gateway"));
        Files.delete(jar);
        Run noJar = mac(withJar("launchd", "install", "agent"));

        assertThat(service.exitCode()).isEqualTo(2);
        assertThat(service.err()).isEqualTo("fleet: install takes controller or agent, not 'clawdbot-gateway'; print a "
                + "service's plist with: fleet launchd render clawdbot-gateway\n");
        assertThat(noJar.exitCode()).isEqualTo(2);
        assertThat(noJar.err()).isEqualTo("fleet: no jar at " + jar + "; build it (./fleet does) or pass --jar JAR\n");
    }

    @Test
    void without_a_fleet_file_render_exits_2_naming_where_it_looked() throws Exception {
        Files.delete(cwd.resolve("fleet.yaml"));

        Run run = linux(withJar("launchd", "render", "agent"));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("fleet: no fleet file found");
    }

    @Test
    void launchd_alone_asks_for_a_subcommand() {
        Run run = linux("launchd");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("name a subcommand: render, install or uninstall");
    }
}
