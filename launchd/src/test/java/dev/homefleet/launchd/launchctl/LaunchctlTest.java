package dev.homefleet.launchd.launchctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.launchd.FakeLaunchctl;
import dev.homefleet.launchd.plist.KeepAlive;
import dev.homefleet.launchd.plist.LaunchdJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wrapper against the fake launchctl, run through LocalCommandRunner as on a Mac. */
class LaunchctlTest {

    @TempDir
    Path dir;

    private FakeLaunchctl fake;
    private final List<String> ran = new ArrayList<>();
    private Launchctl launchctl;
    private JobTarget job;

    @BeforeEach
    void fakeLaunchctlWithOneAgentPlist() throws Exception {
        fake = FakeLaunchctl.in(dir);
        launchctl = new Launchctl(fake.runner(), Duration.ZERO, argv -> ran.add(String.join(" ", argv)));
        Path plist = dir.resolve("com.clawdbot.gateway.plist");
        Files.writeString(plist, LaunchdJob.builder("com.clawdbot.gateway")
                .programArguments(List.of("/opt/homebrew/bin/node", "gateway"))
                .keepAlive(KeepAlive.unlessSuccessfulExit()).build().toXml());
        job = new JobTarget("gui/501", "com.clawdbot.gateway", plist.toString());
    }

    @Test
    void the_gui_domain_is_gui_slash_the_uid_that_id_gives_and_the_system_domain_is_system() throws Exception {
        assertThat(launchctl.domain(ManagerSpec.Domain.SYSTEM)).isEqualTo("system");
        assertThat(launchctl.domain(ManagerSpec.Domain.GUI)).isEqualTo("gui/501");
        assertThat(launchctl.domain(null)).isEqualTo("gui/501");
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void bootstrap_loads_the_plist_and_print_then_shows_the_job_running() throws Exception {
        launchctl.bootstrap(job);

        JobStatus status = launchctl.status(job);

        assertThat(status.running()).isTrue();
        assertThat(status.pid()).isEqualTo(4242);
        assertThat(status.path()).isEqualTo(job.plist());
        assertThat(fake.calls()).containsExactly("bootstrap gui/501 " + job.plist(),
                "print gui/501/com.clawdbot.gateway");
        assertThat(ran).containsExactly("launchctl bootstrap gui/501 " + job.plist(),
                "launchctl print gui/501/com.clawdbot.gateway");
        assertThat(launchctl.isLegacy()).isFalse();
    }

    @Test
    void a_job_launchd_does_not_know_is_not_loaded_for_print_bootout_and_kickstart_alike() throws Exception {
        assertThat(launchctl.status(job)).isEqualTo(JobStatus.notLoaded("com.clawdbot.gateway"));
        assertThat(launchctl.bootout(job)).isFalse();
        assertThat(launchctl.kickstart(job, true)).isFalse();
        assertThat(ran).isEmpty();
    }

    @Test
    void kickstart_k_replaces_the_running_process_and_bootout_removes_the_job() throws Exception {
        fake.arrange("bootstrap", "gui/501", job.plist());

        assertThat(launchctl.kickstart(job, true)).isTrue();
        JobStatus after = launchctl.status(job);
        assertThat(launchctl.bootout(job)).isTrue();

        assertThat(after.pid()).isEqualTo(4243);
        assertThat(after.runs()).isEqualTo(2);
        assertThat(after.lastExitStatus()).isEqualTo(-15);
        assertThat(launchctl.status(job).loaded()).isFalse();
        assertThat(fake.calls()).containsExactly("kickstart -k gui/501/com.clawdbot.gateway",
                "print gui/501/com.clawdbot.gateway", "bootout gui/501/com.clawdbot.gateway",
                "print gui/501/com.clawdbot.gateway");
    }

    @Test
    void bootstrap_of_a_job_already_loaded_fails_with_launchctls_code_and_words() throws Exception {
        fake.arrange("bootstrap", "gui/501", job.plist());

        assertThatThrownBy(() -> launchctl.bootstrap(job))
                .isInstanceOfSatisfying(LaunchctlException.class, e -> assertThat(e.exitCode()).isEqualTo(5))
                .hasMessage("launchctl bootstrap gui/501 " + job.plist() + " failed on local (exit 5): Bootstrap "
                        + "failed: 5: Input/output error; Try re-running the command as root for richer errors.");
    }

    @Test
    void reload_boots_the_job_out_and_bootstraps_it_so_launchd_reads_the_plist_again() throws Exception {
        fake.arrange("bootstrap", "gui/501", job.plist());

        launchctl.reload(job);

        assertThat(fake.calls()).containsExactly("bootout gui/501/com.clawdbot.gateway",
                "bootstrap gui/501 " + job.plist());
        assertThat(launchctl.status(job).runs()).isEqualTo(1);
    }

    @Test
    void a_disabled_job_bootstraps_once_enabled() throws Exception {
        fake.arrange("disable", "gui/501/com.clawdbot.gateway");
        assertThatThrownBy(() -> launchctl.bootstrap(job)).hasMessageContaining("(exit 5)");

        launchctl.enable(job);
        launchctl.bootstrap(job);

        assertThat(launchctl.status(job).running()).isTrue();
    }

    @Test
    void list_reads_the_table_of_every_job() throws Exception {
        fake.arrange("bootstrap", "gui/501", job.plist());

        assertThat(launchctl.list()).contains(new ListEntry(4242, 0, "com.clawdbot.gateway"),
                new ListEntry(557, 0, "com.apple.Finder"));
    }

    @Test
    void on_old_macos_an_unrecognized_subcommand_switches_to_the_legacy_verbs_for_good() throws Exception {
        fake.oldMacos();

        launchctl.bootstrap(job);
        JobStatus status = launchctl.status(job);
        launchctl.kickstart(job, true);
        boolean bootedOut = launchctl.bootout(job);

        assertThat(launchctl.isLegacy()).isTrue();
        assertThat(status.running()).isTrue();
        assertThat(status.pid()).isEqualTo(4242);
        assertThat(bootedOut).isTrue();
        assertThat(fake.calls()).containsExactly("bootstrap gui/501 " + job.plist(), "load -w " + job.plist(),
                "list com.clawdbot.gateway", "stop com.clawdbot.gateway", "start com.clawdbot.gateway",
                "unload " + job.plist());
        assertThat(ran).doesNotContain("launchctl bootstrap gui/501 " + job.plist());
    }

    @Test
    void on_old_macos_restarting_a_loaded_job_that_is_not_running_starts_it_though_stop_finds_no_process()
            throws Exception {
        fake.oldMacos();
        Path onDemand = dir.resolve("com.clawdbot.crabwalk.plist");
        Files.writeString(onDemand, LaunchdJob.builder("com.clawdbot.crabwalk")
                .programArguments(List.of("/opt/homebrew/bin/npm", "start")).build().toXml());
        JobTarget crabwalk = new JobTarget("gui/501", "com.clawdbot.crabwalk", onDemand.toString());
        fake.arrange("load", "-w", onDemand.toString());

        boolean known = launchctl.kickstart(crabwalk, true);

        assertThat(known).isTrue();
        assertThat(launchctl.status(crabwalk).pid()).isEqualTo(4242);
        assertThat(fake.calls()).startsWith("kickstart -k gui/501/com.clawdbot.crabwalk", "stop com.clawdbot.crabwalk",
                "start com.clawdbot.crabwalk");
    }

    @Test
    void on_old_macos_a_job_launchd_does_not_know_is_not_loaded_either() throws Exception {
        fake.oldMacos();

        assertThat(launchctl.status(job).loaded()).isFalse();
        assertThat(launchctl.kickstart(job, false)).isFalse();
        assertThat(launchctl.bootout(job)).isFalse();
        assertThat(fake.calls()).containsExactly("print gui/501/com.clawdbot.gateway", "list com.clawdbot.gateway",
                "start com.clawdbot.gateway", "unload " + job.plist());
    }
}
