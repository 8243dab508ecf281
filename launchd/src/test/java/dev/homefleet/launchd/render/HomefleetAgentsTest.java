package dev.homefleet.launchd.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import dev.homefleet.launchd.Golden;
import dev.homefleet.launchd.plist.KeepAlive;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.launchd.render.HomefleetAgents.Daemon;
import dev.homefleet.launchd.render.HomefleetAgents.Inputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HomefleetAgentsTest {

    /** The MacBook's controller and the Mac mini's agent, with the flags of a copy of the repository's jvm.options. */
    private static Inputs inputs(Daemon daemon) throws Exception {
        List<String> flags = JvmOptions.read(Path.of("src/test/resources/golden/jvm.options"));
        return daemon == Daemon.CONTROLLER
                ? new Inputs("/opt/homebrew/opt/openjdk@17/bin/java", flags,
                        "/Users/felipevieira/homefleet/controller/target/homefleet-controller.jar",
                        "/Users/felipevieira/homefleet/fleet.yaml", "/Users/felipevieira", List.of())
                : new Inputs("/opt/homebrew/opt/openjdk@17/bin/java", flags,
                        "/Users/felipemacmini/homefleet/controller/target/homefleet-controller.jar",
                        "/Users/felipemacmini/.homefleet/fleet.yaml", "/Users/felipemacmini/",
                        List.of("--machine", "macmini"));
    }

    @ParameterizedTest
    @EnumSource(Daemon.class)
    void the_rendered_launch_agent_matches_its_golden_file(Daemon daemon) throws Exception {
        Golden.assertMatches(daemon.label() + ".plist", HomefleetAgents.render(daemon, inputs(daemon)).toXml());
    }

    @ParameterizedTest
    @EnumSource(Daemon.class)
    void the_rendered_launch_agent_reads_back_through_dd_plist_as_the_job_it_was(Daemon daemon) throws Exception {
        LaunchdJob job = HomefleetAgents.render(daemon, inputs(daemon));

        NSDictionary read = (NSDictionary) PropertyListParser.parse(job.toXml().getBytes(StandardCharsets.UTF_8));

        assertThat(LaunchdJob.fromDictionary(read, "rendered")).isEqualTo(job);
        assertThat(job.toXml()).doesNotContain("{{");
    }

    @ParameterizedTest
    @EnumSource(Daemon.class)
    void the_agent_runs_the_jar_with_the_jvm_options_starts_at_load_and_is_kept_alive_unless_it_exits_cleanly(
            Daemon daemon) throws Exception {
        LaunchdJob job = HomefleetAgents.render(daemon, inputs(daemon));
        String home = inputs(daemon).home();

        assertThat(job.label()).isEqualTo("dev.homefleet." + daemon.command());
        assertThat(job.programArguments()).startsWith("/opt/homebrew/opt/openjdk@17/bin/java", "-XX:+UseSerialGC",
                "-Xms16m", "-Xmx128m", "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=32m", "-Xss512k",
                "-XX:+ExitOnOutOfMemoryError", "-jar", inputs(daemon).jar(), daemon.command());
        assertThat(job.runAtLoad()).isTrue();
        assertThat(job.keepAlive()).isEqualTo(KeepAlive.unlessSuccessfulExit());
        assertThat(job.throttleInterval()).isEqualTo(10);
        assertThat(job.standardOutPath()).isEqualTo(home + "/Library/Logs/homefleet/" + daemon.command() + ".out.log");
        assertThat(job.standardErrorPath()).isEqualTo(home + "/Library/Logs/homefleet/" + daemon.command() + ".err.log");
        assertThat(job.environmentVariables()).containsEntry("HOMEFLEET_CONFIG", inputs(daemon).config());
        assertThat(job.workingDirectory()).isEqualTo(home);
    }

    @Test
    void the_program_arguments_carry_exactly_the_flags_of_the_repositorys_own_jvm_options() throws Exception {
        List<String> flags = JvmOptions.read(Path.of("../jvm.options"));
        Inputs inputs = new Inputs("/usr/bin/java", flags, "/opt/homefleet.jar", "/etc/fleet.yaml", "/Users/x",
                List.of());

        LaunchdJob job = HomefleetAgents.render(Daemon.AGENT, inputs);

        assertThat(flags).isNotEmpty();
        assertThat(job.programArguments().subList(1, 1 + flags.size())).isEqualTo(flags);
        assertThat(job.programArguments().get(1 + flags.size())).isEqualTo("-jar");
    }

    @Test
    void no_jvm_options_and_no_arguments_leave_no_empty_array_elements() {
        LaunchdJob job = HomefleetAgents.render(Daemon.AGENT, new Inputs("/usr/bin/java", List.of(),
                "/opt/homefleet.jar", "/etc/fleet.yaml", "/Users/x", List.of()));

        assertThat(job.programArguments()).containsExactly("/usr/bin/java", "-jar", "/opt/homefleet.jar", "agent");
    }

    @Test
    void paths_with_xml_special_characters_are_filled_in_literally_and_escaped_once() throws Exception {
        Inputs inputs = new Inputs("/usr/bin/java", List.of("-Dx=<&>"), "/Users/A & B/<jar>.jar",
                "/Users/A & B/fleet \"1\".yaml", "/Users/A & B", List.of());

        String xml = HomefleetAgents.render(Daemon.CONTROLLER, inputs).toXml();

        assertThat(xml).contains("<string>/Users/A &amp; B/&lt;jar&gt;.jar</string>")
                .contains("<string>/Users/A &amp; B/Library/Logs/homefleet/controller.out.log</string>")
                .contains("<string>-Dx=&lt;&amp;&gt;</string>");
        LaunchdJob read = LaunchdJob.fromDictionary((NSDictionary) PropertyListParser.parse(
                xml.getBytes(StandardCharsets.UTF_8)), "x");
        assertThat(read.environmentVariables()).containsEntry("HOMEFLEET_CONFIG", "/Users/A & B/fleet \"1\".yaml");
    }

    @Test
    void a_relative_path_is_refused_because_launchd_starts_jobs_in_the_root_directory() {
        assertThatThrownBy(() -> new Inputs("java", List.of(), "/opt/x.jar", "/etc/fleet.yaml", "/Users/x", List.of()))
                .hasMessage("the java executable must be an absolute path, not java: launchd starts jobs in / and "
                        + "expands neither ~ nor variables");
        assertThatThrownBy(() -> new Inputs("/usr/bin/java", List.of(), "target/x.jar", "/etc/fleet.yaml", "/Users/x",
                List.of())).hasMessageStartingWith("the jar must be an absolute path, not target/x.jar");
    }

    @ParameterizedTest
    @EnumSource(Daemon.class)
    void the_shipped_template_is_the_file_in_launchd_templates(Daemon daemon) throws Exception {
        NSDictionary onDisk = (NSDictionary) PropertyListParser.parse(Path.of("templates", daemon.templateFile()));

        assertThat((Object) HomefleetAgents.template(daemon)).isEqualTo(onDisk);
        assertThat(Files.readString(Path.of("templates", daemon.templateFile())))
                .contains("<string>" + daemon.command() + "</string>");
    }

    @Test
    void the_plist_goes_to_the_users_launch_agents() {
        assertThat(HomefleetAgents.plistPath(Daemon.AGENT, "/Users/felipemacmini/"))
                .isEqualTo("/Users/felipemacmini/Library/LaunchAgents/dev.homefleet.agent.plist");
    }
}
