package dev.homefleet.launchd.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import dev.homefleet.launchd.FakeLaunchctl;
import dev.homefleet.launchd.Golden;
import dev.homefleet.launchd.launchctl.JobStatus;
import dev.homefleet.launchd.launchctl.Launchctl;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.launchd.plist.PlistReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Mac mini's clawdbot-gateway, a LaunchAgent at ~/Library/LaunchAgents/com.clawdbot.gateway.plist, driven end to
 * end through LocalCommandRunner against the fake launchctl.
 */
class LaunchdServiceManagerTest {

    private static final String LABEL = "com.clawdbot.gateway";

    @TempDir
    Path dir;

    private FakeLaunchctl fake;
    private Path plist;
    private Path logs;

    @BeforeEach
    void theGatewaysPlistInTheUsersLaunchAgents() throws Exception {
        fake = FakeLaunchctl.in(dir);
        plist = Files.createDirectories(fake.home().resolve("Library/LaunchAgents")).resolve(LABEL + ".plist");
        logs = Files.createDirectories(fake.home().resolve(".clawdbot/logs"));
        String xml = new String(Golden.testResource("plists/com.clawdbot.gateway.plist"))
                .replace("/Users/felipevieira/.clawdbot/logs", logs.toString());
        Files.writeString(plist, xml);
    }

    private static ManagerSpec launchd(String plist, ManagerSpec.Domain domain) {
        return new ManagerSpec(ManagerSpec.Type.LAUNCHD, LABEL, plist, domain, null, null, null, null, null, null,
                null, null);
    }

    private LaunchdServiceManager manager() {
        return manager(launchd("~/Library/LaunchAgents/com.clawdbot.gateway.plist", null));
    }

    private LaunchdServiceManager manager(ManagerSpec spec) {
        return new LaunchdServiceManager("clawdbot-gateway", spec,
                new Launchctl(fake.runner(), Duration.ZERO, argv -> { }), new MachineFiles(fake.runner()));
    }

    private void loaded() throws Exception {
        fake.arrange("bootstrap", "gui/501", plist.toString());
    }

    @Test
    void a_job_launchd_does_not_know_is_stopped_and_not_loaded() throws Exception {
        ServiceState state = manager().status();

        assertThat(state.state()).isEqualTo(State.STOPPED);
        assertThat(state.detail()).isEqualTo("not loaded");
        assertThat(state.pid()).isEqualTo(-1);
        assertThat(fake.calls()).containsExactly("print gui/501/com.clawdbot.gateway");
    }

    @Test
    void a_running_job_is_running_with_its_pid_from_launchctl_print() throws Exception {
        loaded();

        ServiceState state = manager().status();

        assertThat(state.state()).isEqualTo(State.RUNNING);
        assertThat(state.pid()).isEqualTo(4242);
        assertThat(state.restarts()).isZero();
        assertThat(state.lastExitStatus()).isNull();
        assertThat(state.detail()).isEqualTo("running");
    }

    @Test
    void start_bootstraps_a_job_launchd_does_not_know_from_its_plist_then_kickstarts_it() throws Exception {
        LaunchdServiceManager manager = manager();

        manager.start();

        assertThat(manager.status().state()).isEqualTo(State.RUNNING);
        assertThat(fake.calls()).containsExactly("kickstart gui/501/com.clawdbot.gateway",
                "bootstrap gui/501 " + plist, "kickstart gui/501/com.clawdbot.gateway",
                "print gui/501/com.clawdbot.gateway");
    }

    @Test
    void start_of_a_loaded_job_is_one_kickstart_and_leaves_a_running_one_alone() throws Exception {
        loaded();

        manager().start();

        assertThat(fake.calls()).containsExactly("kickstart gui/501/com.clawdbot.gateway");
        assertThat(manager().status().pid()).isEqualTo(4242);
    }

    @Test
    void stop_boots_the_job_out_and_stopping_it_again_is_no_error() throws Exception {
        loaded();
        LaunchdServiceManager manager = manager();

        manager.stop();
        manager.stop();

        assertThat(manager.status().detail()).isEqualTo("not loaded");
        assertThat(fake.calls()).containsExactly("bootout gui/501/com.clawdbot.gateway",
                "bootout gui/501/com.clawdbot.gateway", "print gui/501/com.clawdbot.gateway");
    }

    @Test
    void restart_is_kickstart_k_and_gives_a_new_pid() throws Exception {
        loaded();
        LaunchdServiceManager manager = manager();

        manager.restart();
        ServiceState state = manager.status();

        assertThat(state.pid()).isEqualTo(4243);
        assertThat(state.restarts()).isEqualTo(1);
        assertThat(state.lastExitStatus()).isEqualTo(-15);
        assertThat(state.detail()).isEqualTo("running, last exit by signal 15");
        assertThat(fake.calls()).startsWith("kickstart -k gui/501/com.clawdbot.gateway");
    }

    @Test
    void environment_is_the_plists_environment_variables_in_their_order() throws Exception {
        assertThat(manager().environment()).containsExactly(Map.entry("HOME", "/Users/felipevieira"),
                Map.entry("PATH", "/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin"),
                Map.entry("CLAWDBOT_GATEWAY_PORT", "18789"), Map.entry("CLAWDBOT_TELEGRAM_ENABLED", "true"));
    }

    @Test
    void set_environment_rewrites_only_the_environment_and_the_next_restart_reloads_the_plist() throws Exception {
        loaded();
        LaunchdServiceManager manager = manager();
        NSDictionary before = (NSDictionary) PropertyListParser.parse(plist);
        Map<String, String> env = new LinkedHashMap<>(manager.environment());
        env.put("CLAWDBOT_TELEGRAM_ENABLED", "false");
        env.remove("HOME");
        env.put("NOTE", "a & b <c> \"d\"");

        manager.setEnvironment(env);
        fake.forgetCalls();
        boolean pendingBefore = manager.reloadPending();
        manager.restart();

        NSDictionary after = (NSDictionary) PropertyListParser.parse(plist);
        assertThat(manager.environment()).containsExactly(
                Map.entry("PATH", "/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin"),
                Map.entry("CLAWDBOT_GATEWAY_PORT", "18789"), Map.entry("CLAWDBOT_TELEGRAM_ENABLED", "false"),
                Map.entry("NOTE", "a & b <c> \"d\""));
        before.remove(LaunchdJob.ENVIRONMENT_VARIABLES);
        after.remove(LaunchdJob.ENVIRONMENT_VARIABLES);
        assertThat((Map<String, ?>) after).isEqualTo(before);
        assertThat(List.of(after.allKeys())).containsExactly(before.allKeys());
        assertThat(pendingBefore).isTrue();
        assertThat(manager.reloadPending()).isFalse();
        assertThat(fake.calls()).containsExactly("bootout gui/501/com.clawdbot.gateway",
                "bootstrap gui/501 " + plist, "kickstart gui/501/com.clawdbot.gateway");
        assertThat(Files.getPosixFilePermissions(plist)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(plist.getParent()).isDirectoryNotContaining("glob:**.homefleet-tmp");
    }

    @Test
    void after_the_reload_restarts_are_kickstarts_again() throws Exception {
        loaded();
        LaunchdServiceManager manager = manager();
        manager.setEnvironment(Map.of("A", "1"));
        manager.restart();
        fake.forgetCalls();

        manager.restart();

        assertThat(fake.calls()).containsExactly("kickstart -k gui/501/com.clawdbot.gateway");
    }

    @Test
    void an_empty_environment_removes_the_key() throws Exception {
        manager().setEnvironment(Map.of());

        assertThat(PlistReader.read(Files.readAllBytes(plist), "x").environmentVariables()).isEmpty();
        assertThat(Files.readString(plist)).doesNotContain("EnvironmentVariables");
    }

    @Test
    void a_binary_plist_is_read_and_rewritten_as_xml() throws Exception {
        NSDictionary dict = (NSDictionary) PropertyListParser.parse(plist);
        BinaryPropertyListWriter.write(dict, plist.toFile());
        LaunchdServiceManager manager = manager();

        assertThat(manager.environment()).containsEntry("CLAWDBOT_GATEWAY_PORT", "18789");
        manager.setEnvironment(Map.of("CLAWDBOT_GATEWAY_PORT", "18790"));

        assertThat(Files.readString(plist)).startsWith("<?xml");
        assertThat(manager.environment()).containsExactly(Map.entry("CLAWDBOT_GATEWAY_PORT", "18790"));
    }

    @Test
    void logs_are_the_tail_of_the_stdout_and_stderr_files_each_under_its_name() throws Exception {
        Files.writeString(logs.resolve("gateway.log"), "one\ntwo\nthree\nfour\n");
        Files.writeString(logs.resolve("gateway.err.log"), "boom\n");

        List<String> lines = manager().logs(2);

        assertThat(lines).containsExactly("==> " + logs.resolve("gateway.log") + " <==", "three", "four",
                "==> " + logs.resolve("gateway.err.log") + " <==", "boom");
    }

    @Test
    void a_log_file_not_written_yet_is_left_out() throws Exception {
        Files.writeString(logs.resolve("gateway.log"), "started\n");

        assertThat(manager().logs(100)).containsExactly("started");
    }

    @Test
    void a_plist_without_log_paths_is_reported_because_launchd_discards_the_output() throws Exception {
        Files.writeString(plist, LaunchdJob.builder(LABEL).programArguments(List.of("/bin/true")).build().toXml());

        assertThatThrownBy(() -> manager().logs(10))
                .hasMessage("clawdbot-gateway: cannot read the logs of com.clawdbot.gateway: " + plist + " sets "
                        + "neither StandardOutPath nor StandardErrorPath, so launchd discards the output; add them to "
                        + "keep logs");
    }

    @Test
    void a_failure_names_the_service_what_was_tried_and_what_launchctl_said() throws Exception {
        Files.delete(plist);

        assertThatThrownBy(() -> manager().start())
                .hasMessage("clawdbot-gateway: cannot start com.clawdbot.gateway: launchctl bootstrap gui/501 " + plist
                        + " failed on local (exit 2): Bootstrap failed: 2: No such file or directory");
    }

    @Test
    void a_plist_that_is_not_there_is_named_with_the_service_and_where_it_was_looked_for() throws Exception {
        Files.delete(plist);

        assertThatThrownBy(() -> manager().environment())
                .hasMessageStartingWith("clawdbot-gateway: cannot read the environment of com.clawdbot.gateway: "
                        + "cannot read " + plist + " on local (exit ");
    }

    @Test
    void without_a_plist_key_the_plist_is_the_labels_in_the_users_launch_agents() throws Exception {
        manager(launchd(null, ManagerSpec.Domain.GUI)).start();

        assertThat(fake.calls()).contains("bootstrap gui/501 " + plist);
    }

    @Test
    void a_system_job_is_addressed_in_the_system_domain_without_asking_for_the_uid() throws Exception {
        LaunchdServiceManager manager = manager(launchd(plist.toString(), ManagerSpec.Domain.SYSTEM));

        manager.start();
        manager.restart();
        manager.stop();

        assertThat(fake.calls()).containsExactly("kickstart system/com.clawdbot.gateway",
                "bootstrap system " + plist, "kickstart system/com.clawdbot.gateway",
                "kickstart -k system/com.clawdbot.gateway", "bootout system/com.clawdbot.gateway");
    }

    @Test
    void on_old_macos_the_same_actions_use_load_unload_start_stop_and_list() throws Exception {
        fake.oldMacos();
        LaunchdServiceManager manager = manager();

        manager.start();
        ServiceState running = manager.status();
        manager.restart();
        manager.setEnvironment(Map.of("CLAWDBOT_TELEGRAM_ENABLED", "false"));
        manager.restart();
        manager.stop();

        assertThat(running.state()).isEqualTo(State.RUNNING);
        assertThat(running.pid()).isEqualTo(4242);
        assertThat(fake.calls()).containsExactly(
                "kickstart gui/501/com.clawdbot.gateway", "start com.clawdbot.gateway",
                "load -w " + plist, "start com.clawdbot.gateway",
                "list com.clawdbot.gateway",
                "stop com.clawdbot.gateway", "start com.clawdbot.gateway",
                "unload " + plist, "load -w " + plist, "start com.clawdbot.gateway",
                "unload " + plist);
        assertThat(manager.status().detail()).isEqualTo("not loaded");
    }

    @ParameterizedTest(name = "{0} with last exit {1}")
    @CsvSource(nullValues = "null", textBlock = """
            running,         null, 4242, RUNNING,  running
            running,         1,    4242, RUNNING,  'running, last exit code 1'
            not running,     0,    -1,   STOPPED,  'not running, last exit code 0'
            not running,     null, -1,   STOPPED,  not running
            not running,     78,   -1,   ERRORED,  'not running, last exit code 78'
            not running,     -9,   -1,   ERRORED,  'not running, last exit by signal 9'
            spawn scheduled, 1,    -1,   STARTING, 'spawn scheduled, last exit code 1'
            something new,   null, -1,   UNKNOWN,  something new
            """)
    void launchds_words_map_to_a_service_state(String said, Integer exit, int pid, State state, String detail) {
        ServiceState mapped = LaunchdServiceManager.state(new JobStatus(LABEL, true, said, pid, exit, 3, null));

        assertThat(mapped.state()).isEqualTo(state);
        assertThat(mapped.detail()).isEqualTo(detail);
        assertThat(mapped.pid()).isEqualTo(pid);
        assertThat(mapped.lastExitStatus()).isEqualTo(exit);
        assertThat(mapped.restarts()).isEqualTo(2);
    }
}
