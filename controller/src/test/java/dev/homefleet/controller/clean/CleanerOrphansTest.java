package dev.homefleet.controller.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.clean.OrphanOutcome.Action;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.metrics.sweep.ListenerSweep;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanerOrphansTest {

    @TempDir
    Path dir;

    private Orphaned orphans;
    private final LocalCommandRunner runner = new LocalCommandRunner();

    @BeforeEach
    void start() {
        orphans = new Orphaned(dir);
    }

    @AfterEach
    void killEverythingSpawned() {
        orphans.close();
    }

    @Test
    void an_orphan_on_the_kill_list_is_stopped_and_one_that_is_not_is_only_reported() throws Exception {
        long leaky = orphans.spawn("leaky-bot");
        long keeper = orphans.spawn("keeper");
        awaitAge(List.of(leaky, keeper), Duration.ofSeconds(1));
        FleetConfig config = fleet("1s", Pattern.quote(dir + "/leaky-bot"));

        CleanerReport report = cleaner(config, leaky).run("box", config.machines().get("box"), runner, List.of());

        assertThat(report.errors()).isEmpty();
        assertThat(outcome(report, leaky).action()).isEqualTo(Action.KILLED);
        assertThat(outcome(report, leaky).process().command()).isEqualTo(dir + "/leaky-bot 300");
        assertThat(outcome(report, keeper).action()).isEqualTo(Action.REPORTED);
        assertThat(outcome(report, keeper).detail()).isEqualTo("no kill_orphans pattern matches it");
        await().atMost(Duration.ofSeconds(5)).until(() -> !Orphaned.running(leaky));
        assertThat(Orphaned.running(keeper)).isTrue();
        assertThat(report.orphans(Action.KILLED)).extracting(o -> o.process().pid()).containsExactly(leaky);
        assertThat(report.summary()).startsWith(report.orphans().size() + " orphans reported, 1 killed; ");

        List<FleetEvent> events = report.events();
        assertThat(events).filteredOn(e -> e.type() == EventType.ORPHAN_KILLED).singleElement().satisfies(e -> {
            assertThat(e.machine()).isEqualTo("box");
            assertThat(e.data()).containsEntry("pid", leaky).containsEntry("command", dir + "/leaky-bot 300");
            assertThat(e.message()).startsWith("stopped orphaned process " + leaky + " (" + dir
                    + "/leaky-bot 300) on box, running ");
        });
        assertThat(events).filteredOn(e -> e.type() == EventType.ORPHAN_FOUND)
                .anySatisfy(e -> assertThat(e.data()).containsEntry("pid", keeper));
    }

    @Test
    void an_orphan_younger_than_orphan_min_age_is_neither_reported_nor_killed() throws Exception {
        long young = orphans.spawn("young-bot");
        FleetConfig config = fleet("1h", Pattern.quote(dir + "/young-bot"));

        CleanerReport report = cleaner(config, young).run("box", config.machines().get("box"), runner, List.of());

        assertThat(report.orphans()).extracting(o -> o.process().pid()).doesNotContain(young);
        assertThat(Orphaned.running(young)).isTrue();
    }

    @Test
    void a_kill_that_fails_is_reported_with_the_reason_and_the_process_is_left() throws Exception {
        long doomed = orphans.spawn("doomed-bot");
        awaitAge(List.of(doomed), Duration.ofSeconds(1));
        FleetConfig config = fleet("1s", Pattern.quote(dir + "/doomed-bot"));
        // As if the process exited between the listing and the kill: the kill goes to a pid that cannot exist
        // (above any pid_max), and must come back as a failure with kill's own words, not as a success.
        CommandRunner racing = Runners.intercepting(runner, "kill",
                (argv, timeout) -> runner.run(List.of("kill", "-TERM", "999999999"), timeout));

        CleanerReport report = cleaner(config, doomed).run("box", config.machines().get("box"), racing, List.of());

        OrphanOutcome outcome = outcome(report, doomed);
        assertThat(outcome.action()).isEqualTo(Action.KILL_FAILED);
        assertThat(outcome.detail()).endsWith("No such process");
        assertThat(report.summary()).contains(", 1 kill failed; ");
        assertThat(report.events()).filteredOn(e -> e.type() == EventType.ORPHAN_FOUND)
                .anySatisfy(e -> assertThat(e.message()).contains(": kill failed: " + outcome.detail()));
        assertThat(Orphaned.running(doomed)).isTrue();
    }

    @Test
    void an_orphan_running_a_declared_services_command_is_spared_even_when_a_pattern_matches_it() throws Exception {
        long service = orphans.spawn("declared-bot");
        awaitAge(List.of(service), Duration.ofSeconds(1));
        FleetConfig config = fleet("1s", Pattern.quote(dir + "/declared-bot"), """
                bot:
                  manager: {type: process, command: [%s, "300"]}
                """.formatted(TestFleet.quoted(dir + "/declared-bot")));

        CleanerReport report = cleaner(config, service).run("box", config.machines().get("box"), runner, List.of());

        assertThat(report.orphans()).extracting(o -> o.process().pid()).doesNotContain(service);
        assertThat(Orphaned.running(service)).isTrue();
    }

    @Test
    void an_orphan_listening_on_a_declared_port_is_spared_and_its_port_is_reported_instead() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        String server = "require('net').createServer().listen(" + port + ", '127.0.0.1')";
        long listener = orphans.spawn("port-bot", Path.of(nodeProgram()), "-e", server);
        awaitAge(List.of(listener), Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> accepts(port));
        FleetConfig config = fleet("1s", Pattern.quote(dir + "/port-bot"), """
                bot:
                  manager: {type: process, command: [/opt/elsewhere/bot]}
                  port: %d
                  bind: loopback
                """.formatted(port));

        CleanerReport report = cleaner(config, listener).run("box", config.machines().get("box"), runner);

        assertThat(report.errors()).isEmpty();
        assertThat(report.orphans()).extracting(o -> o.process().pid()).doesNotContain(listener);
        assertThat(Orphaned.running(listener)).isTrue();
        assertThat(report.portFindings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.WRONG_PROCESS);
            assertThat(f.pid()).isEqualTo(listener);
            assertThat(f.service()).isEqualTo("bot");
        });
    }

    @Test
    void when_the_listeners_cannot_be_swept_nothing_is_killed_since_a_service_could_not_be_told_apart()
            throws Exception {
        long leaky = orphans.spawn("blind-bot");
        awaitAge(List.of(leaky), Duration.ofSeconds(1));
        FleetConfig config = fleet("1s", Pattern.quote(dir + "/blind-bot"));
        // A machine without ss: the sweep's script runs a program that does not exist there.
        List<String> sweep = ListenerSweep.argv(Os.LINUX);
        CommandRunner sweepFails = Runners.intercepting(runner, sweep.get(0), (argv, timeout) -> runner.run(
                argv.equals(sweep) ? List.of("/bin/sh", "-c", "homefleet-no-such-ss -ltnp") : argv, timeout));

        CleanerReport report = cleaner(config, leaky).run("box", config.machines().get("box"), sweepFails);

        assertThat(report.errors()).singleElement().asString()
                .startsWith("cannot list the listening sockets on box (exit 127: ");
        assertThat(outcome(report, leaky).action()).isEqualTo(Action.REPORTED);
        assertThat(outcome(report, leaky).detail()).isEqualTo("it matches kill_orphans but was left running: the"
                + " listening sockets are unknown, so it may be a declared service's process");
        assertThat(Orphaned.running(leaky)).isTrue();
    }

    @Test
    void a_kill_pattern_that_matches_everything_still_spares_init_and_the_chain_that_runs_the_cleaner()
            throws Exception {
        // Every orphan in this listing matches ".*"; only the plain leak may be killed.
        String ps = """
                homefleet-ps 5000
                    1     0 Ss   9-00:00:00 /sbin/launchd
                  100     1 S      10:00:00 /usr/libexec/logd
                  200     1 S      10:00:00 /System/Library/CoreServices/Dock.app/Contents/MacOS/Dock
                  300     1 S      10:00:00 /Users/f/Applications/Slack.app/Contents/MacOS/Slack
                  400     1 S      10:00:00 /opt/homebrew/bin/node /Users/f/homefleet/controller.js
                  401   400 S      10:00:00 /bin/sh -c echo homefleet-ps $$; exec ps
                 5000   401 R         00:00 ps -ww -x -U 501 -o pid=,ppid=,state=,etime=,args=
                  500     1 S      10:00:00 /opt/homebrew/bin/ollama serve
                  600     1 S      10:00:00 /usr/bin/python3 /Users/f/leak.py
                """;
        ProcessTable.Listing listing = ProcessTable.parse(ps);
        List<List<String>> declared = List.of(List.of("/opt/homebrew/bin/ollama", "serve"));

        List<ProcessInfo> found = Orphans.find(listing, 1, Duration.ofHours(2), listing.lister(1), declared);

        assertThat(found).extracting(ProcessInfo::pid).containsExactly(600L);
    }

    private static OrphanOutcome outcome(CleanerReport report, long pid) {
        return report.orphans().stream().filter(o -> o.process().pid() == pid).findFirst()
                .orElseThrow(() -> new AssertionError("process " + pid + " is not in " + report.orphans()));
    }

    /**
     * Orphans go to pid 1 on this machine; where a subreaper adopts them instead, the cleaner is told to look
     * under that parent, which is what {@link Cleaner#withOrphanParent} is for.
     */
    private static Cleaner cleaner(FleetConfig config, long orphan) {
        long parent = Orphaned.parent(orphan);
        Cleaner cleaner = Cleaner.of(config);
        return parent == Cleaner.INIT_PID ? cleaner : cleaner.withOrphanParent(parent);
    }

    private void awaitAge(List<Long> pids, Duration age) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            ProcessTable.Listing listing = ProcessTable.list(runner, Os.LINUX);
            return pids.stream().allMatch(pid -> listing.process(pid)
                    .map(p -> p.age().compareTo(age) >= 0).orElse(false));
        });
    }

    private static FleetConfig fleet(String minAge, String killPattern) {
        return fleet(minAge, killPattern, "");
    }

    private static FleetConfig fleet(String minAge, String killPattern, String services) {
        return TestFleet.create().boxServices(services).cleaner("""
                orphan_min_age: %s
                kill_orphans: [%s]
                """.formatted(minAge, TestFleet.quoted(killPattern))).config();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** node from PATH (scripts/test installs it), resolved so the link points at the program itself. */
    private static String nodeProgram() throws IOException {
        for (String dir : System.getenv("PATH").split(":")) {
            Path node = Path.of(dir, "node");
            if (Files.isExecutable(node)) {
                return node.toRealPath().toString();
            }
        }
        throw new IOException("node is not on PATH; scripts/test installs it");
    }
}
