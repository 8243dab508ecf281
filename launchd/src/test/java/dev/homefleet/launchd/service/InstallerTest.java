package dev.homefleet.launchd.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.dd.plist.PropertyListParser;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.launchd.FakeLaunchctl;
import dev.homefleet.launchd.launchctl.JobStatus;
import dev.homefleet.launchd.launchctl.Launchctl;
import dev.homefleet.launchd.plist.KeepAlive;
import dev.homefleet.launchd.plist.LaunchdJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallerTest {

    @TempDir
    Path dir;

    private FakeLaunchctl fake;
    private String plist;
    private LaunchdJob job;

    @BeforeEach
    void anAgentJobForTheUsersLaunchAgents() throws Exception {
        fake = FakeLaunchctl.in(dir);
        plist = fake.home() + "/Library/LaunchAgents/dev.homefleet.agent.plist";
        job = LaunchdJob.builder("dev.homefleet.agent")
                .programArguments(List.of("/usr/bin/java", "-jar", "/opt/homefleet.jar", "agent"))
                .runAtLoad(true).keepAlive(KeepAlive.unlessSuccessfulExit())
                .standardOutPath(fake.home() + "/Library/Logs/homefleet/agent.out.log")
                .standardErrorPath(fake.home() + "/Library/Logs/homefleet/agent.err.log")
                .build();
    }

    private Installer installer() {
        return new Installer(new Launchctl(fake.runner(), Duration.ZERO, argv -> { }), new MachineFiles(fake.runner()));
    }

    @Test
    void install_creates_the_directories_writes_the_plist_enables_and_bootstraps_it() throws Exception {
        JobStatus status = installer().install(job, plist, ManagerSpec.Domain.GUI);

        assertThat(PropertyListParser.parse(Path.of(plist))).isEqualTo(job.toDictionary());
        assertThat(fake.home().resolve("Library/Logs/homefleet")).isDirectory();
        assertThat(status.running()).isTrue();
        assertThat(fake.calls()).containsExactly("print gui/501/dev.homefleet.agent",
                "enable gui/501/dev.homefleet.agent", "bootstrap gui/501 " + plist,
                "print gui/501/dev.homefleet.agent");
    }

    @Test
    void installing_over_a_loaded_job_boots_it_out_first_so_launchd_reads_the_new_plist() throws Exception {
        installer().install(job, plist, ManagerSpec.Domain.GUI);
        fake.forgetCalls();

        installer().install(job.toBuilder().throttleInterval(30).build(), plist, ManagerSpec.Domain.GUI);

        assertThat(Files.readString(Path.of(plist))).contains("<integer>30</integer>");
        assertThat(fake.calls()).containsExactly("print gui/501/dev.homefleet.agent",
                "enable gui/501/dev.homefleet.agent", "bootout gui/501/dev.homefleet.agent",
                "bootstrap gui/501 " + plist, "print gui/501/dev.homefleet.agent");
    }

    @Test
    void uninstall_boots_the_job_out_and_removes_its_plist_and_a_second_time_finds_nothing() throws Exception {
        installer().install(job, plist, ManagerSpec.Domain.GUI);
        fake.forgetCalls();

        Installer.Removed first = installer().uninstall("dev.homefleet.agent", plist, ManagerSpec.Domain.GUI);
        Installer.Removed second = installer().uninstall("dev.homefleet.agent", plist, ManagerSpec.Domain.GUI);

        assertThat(first).isEqualTo(new Installer.Removed(true, true));
        assertThat(second).isEqualTo(new Installer.Removed(false, false));
        assertThat(Path.of(plist)).doesNotExist();
        assertThat(fake.calls()).containsExactly("bootout gui/501/dev.homefleet.agent",
                "bootout gui/501/dev.homefleet.agent");
    }

    @Test
    void on_old_macos_install_is_load_w_and_uninstall_unload() throws Exception {
        fake.oldMacos();

        JobStatus status = installer().install(job, plist, ManagerSpec.Domain.GUI);
        Installer.Removed removed = installer().uninstall("dev.homefleet.agent", plist, ManagerSpec.Domain.GUI);

        assertThat(status.running()).isTrue();
        assertThat(removed).isEqualTo(new Installer.Removed(true, true));
        assertThat(fake.calls()).containsExactly("print gui/501/dev.homefleet.agent", "list dev.homefleet.agent",
                "load -w " + plist, "list dev.homefleet.agent", "bootout gui/501/dev.homefleet.agent",
                "unload " + plist);
    }
}
