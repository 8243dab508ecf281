package dev.homefleet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.cli.FleetCli.Run;
import dev.homefleet.controller.init.HostFacts;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.launchd.plist.KeepAlive;
import dev.homefleet.launchd.plist.LaunchdJob;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet init} on this machine: the real {@code ss}, a socket this test listens on, a node server under the
 * real pm2 (from .tools/pm2, with a private PM2_HOME), and a HOME of the test's own.
 */
class InitCommandTest {

    private static final String SERVER = """
            require('http').createServer((req, res) => res.end('ok'))
                .listen(Number(process.env.PORT), '127.0.0.1');
            """;
    /** Below 32768, where Linux starts handing out ephemeral ports, which fleet init leaves out. */
    private static final int BELOW_EPHEMERAL = 32768;

    private static Path pm2;
    private static Path pm2Home;
    private static LocalCommandRunner pm2Runner;
    private static String app;
    private static int appPort;

    @TempDir
    Path home;
    @TempDir
    Path cwd;

    @BeforeAll
    static void aNodeServerUnderPm2() throws Exception {
        Path repo = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
        pm2 = repo.resolve(".tools/pm2/node_modules/.bin/pm2");
        assertThat(pm2).as("the real pm2 (scripts/test installs it into .tools/pm2)").isExecutable();
        pm2Home = Files.createTempDirectory(Path.of("/tmp"), "hfinit-");
        app = "hf-init-" + UUID.randomUUID().toString().substring(0, 8);
        Path script = Files.writeString(pm2Home.resolve("server.js"), SERVER);
        try (ServerSocket probe = listenBelowEphemeral()) {
            appPort = probe.getLocalPort();
        }
        pm2Runner = LocalCommandRunner.builder().environment("PM2_HOME", pm2Home.toString())
                .environment("PORT", String.valueOf(appPort)).build();
        CommandResult started = pm2Runner.run(List.of(pm2.toString(), "start", script.toString(), "--name", app),
                Duration.ofSeconds(60));
        assertThat(started.exitCode()).as(started.stderr() + started.stdout()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> accepts(appPort));
    }

    @AfterAll
    static void killPm2() throws Exception {
        try {
            CommandResult kill = pm2Runner.run(List.of(pm2.toString(), "kill"), Duration.ofSeconds(30));
            assertThat(kill.exitCode()).as(kill.stderr()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> survivors().isEmpty());
        } finally {
            try (Stream<Path> files = Files.walk(pm2Home)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** The processes that still belong to the test's PM2_HOME. */
    private static List<String> survivors() throws IOException {
        CommandResult ps = new LocalCommandRunner().run(List.of("ps", "-eo", "stat=,args="), Duration.ofSeconds(10));
        return ps.stdout().lines().filter(line -> line.contains(pm2Home.toString()) && !line.strip().startsWith("Z"))
                .toList();
    }

    /** A socket on 127.0.0.1 at a port below the ephemeral range, found by trying. */
    private static ServerSocket listenBelowEphemeral() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, BELOW_EPHEMERAL);
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return socket;
            } catch (IOException taken) {
                socket.close();
            }
        }
        return fail("no free port between 20000 and " + BELOW_EPHEMERAL + " after 200 tries");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** PATH with the project's pm2 first, and the test's PM2_HOME. */
    private static Map<String, String> env() {
        return Map.of("PATH", pm2.getParent() + ":" + System.getenv("PATH"), "PM2_HOME", pm2Home.toString());
    }

    private Run fleet(String... args) {
        return FleetCli.run(cwd, home, env(), args);
    }

    private Path starter() {
        return home.resolve(".homefleet/fleet.yaml");
    }

    @Test
    void init_drafts_this_machine_with_its_pm2_app_and_listeners_and_fleet_validate_accepts_it() throws Exception {
        String machine = HostFacts.detect().machineName();
        try (ServerSocket mine = listenBelowEphemeral()) {
            int port = mine.getLocalPort();

            Run run = fleet("init");

            assertThat(run.err()).isEmpty();
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).startsWith("wrote " + starter() + ": machine " + machine + ", 1 service, ")
                    .endsWith("edit it, then run: fleet validate\n");
            String text = Files.readString(starter());
            assertThat(text).contains("      # java-" + port + ":\n        # description: java (pid "
                    + ProcessHandle.current().pid() + ") listening on 127.0.0.1\n")
                    .contains("          # tcp: 127.0.0.1:" + port + "\n");
        }
        Run validate = fleet("validate");
        assertThat(validate.out()).isEqualTo(starter() + ": OK (1 machines, 1 services)\n");
        assertThat(validate.exitCode()).isZero();

        FleetConfig config = new FleetConfigLoader(Map.of()).load(starter()).config();
        assertThat(config.controller().machine()).isEqualTo(machine);
        assertThat(config.controller().bind()).isEqualTo("loopback");
        ServiceSpec service = config.machines().get(machine).services().get(app);
        assertThat(service.manager().type()).isEqualTo(ManagerSpec.Type.PM2);
        assertThat(service.manager().name()).isEqualTo(app);
        assertThat(service.port()).isEqualTo(appPort);
        assertThat(service.bind()).isEqualTo("loopback");
        assertThat(service.check().tcp()).isEqualTo("127.0.0.1:" + appPort);
    }

    @Test
    void init_never_overwrites_a_fleet_file_without_force() throws Exception {
        Files.createDirectories(starter().getParent());
        Files.writeString(starter(), "# my own\n");

        Run refused = fleet("init");

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).isEqualTo("fleet: " + starter() + " exists; fleet init does not overwrite it: pass "
                + "--force to replace it, --output FILE to write elsewhere, or --dry-run to print the draft\n");
        assertThat(starter()).hasContent("# my own");

        Run forced = fleet("init", "--force");

        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(Files.readString(starter())).startsWith("# homefleet's fleet file, drafted by `fleet init`");
        try (Stream<Path> files = Files.list(starter().getParent())) {
            assertThat(files).as("no temporary file is left").containsExactly(starter());
        }
    }

    @Test
    void output_writes_elsewhere_and_says_how_to_validate_it() throws Exception {
        Run run = fleet("init", "--output", "drafts/fleet.yaml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("wrote drafts/fleet.yaml: ")
                .endsWith("edit it, then run: fleet validate --config drafts/fleet.yaml\n");
        assertThat(fleet("validate", "--config", "drafts/fleet.yaml").exitCode()).isZero();
        assertThat(home.resolve(".homefleet")).doesNotExist();
    }

    @Test
    void dry_run_prints_the_draft_and_writes_nothing() throws Exception {
        Run run = fleet("init", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("# homefleet's fleet file, drafted by `fleet init` on ")
                .contains("\nversion: 1\n", "\ncontroller:\n", "\nmachines:\n", "        manager:\n"
                        + "          type: pm2\n          name: " + app + "\n");
        assertThat(home.resolve(".homefleet")).doesNotExist();
        assertThat(new FleetConfigLoader(Map.of()).parse(run.out(), "stdout").errors()).isEmpty();
    }

    @Test
    void launch_agents_of_a_machine_that_is_not_a_mac_are_named_as_left_out() throws Exception {
        Path agents = Files.createDirectories(home.resolve("Library/LaunchAgents"));
        Files.writeString(agents.resolve("com.me.web.plist"), LaunchdJob.builder("com.me.web")
                .programArguments(List.of("/usr/local/bin/web")).keepAlive(KeepAlive.ALWAYS).build().toXml());

        Run run = fleet("init", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("    #   LaunchAgents in ~/Library/LaunchAgents (launchd runs only on macOS; "
                + "this machine runs Linux):\n    #     com.me.web (~/Library/LaunchAgents/com.me.web.plist)\n");
    }
}
