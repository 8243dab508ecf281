package dev.homefleet.controller.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet demo} as a person runs it, a process of its own with its agents and services: the controller answers,
 * both agents report, the outage goes all the way to the standby taking over and yielding back, and Ctrl-C (SIGINT)
 * or SIGTERM leaves no process and no listening port behind, nor the demo's directory unless it is kept.
 */
class DemoProcessTest {
    private static final Pattern DASHBOARD = Pattern.compile("^\\s+dashboard:\\s+(http://127\\.0\\.0\\.1:\\d+)/");
    private static final Pattern LISTENING = Pattern.compile("^\\s+listening:\\s+(.+)$");
    private static final Pattern DIRECTORY = Pattern.compile("^\\s+directory:\\s+(\\S+)");
    private static final Pattern LISTENER = Pattern.compile("(\\S+(?: agent)?) (\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Process process;
    private Path err;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<ProcessHandle> started = new ArrayList<>();

    @BeforeEach
    void errors() {
        err = dir.resolve("demo.err");
    }

    @AfterEach
    void leaveNothingBehind() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void the_outage_goes_to_the_standby_and_back_and_ctrl_c_leaves_nothing_behind() throws Exception {
        Banner demo = start("--scenario", "outage", "--outage-after", "5s", "--outage-for", "25s");
        assertThat(demo.directory()).isDirectory().startsWith(dir);
        assertThat(get(demo.url() + "/health").path("status").asText()).isEqualTo("ok");
        awaitEveryMachineAndServiceUp(demo);
        recordProcesses(demo);

        await("the standby takes over").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300))
                .until(() -> failoverState(demo.url()).equals("active"));
        await("the standby yields once the gateway is repaired").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300)).until(() -> failoverState(demo.url()).equals("standby"));
        assertThat(get(demo.url() + "/api/v1/failover").path("transitions").findValuesAsText("type"))
                .containsSubsequence("failover.takeover", "failover.yield");
        assertThat(String.join("\n", lines)).contains("service.down", "service.restarted", "service.gave-up",
                "failover.takeover", "failover.yield", ">>> the outage is over");
        await("the alerts a phone would get, told in the terminal").atMost(Duration.ofSeconds(30))
                .until(() -> lines.stream().filter(line -> line.contains("  telegram  ")).map(String::strip)
                        .toList(), told -> told.stream().anyMatch(l -> l.endsWith("macbook/gateway is down"))
                        && told.stream().anyMatch(l -> l.endsWith("gateway failed over to the standby"))
                        && told.stream().anyMatch(l -> l.contains("gateway is back on the primary")));
        recordProcesses(demo); // the ones the healer and the watchdog started since

        stop(demo, "INT", 130);
        assertThat(demo.directory()).doesNotExist();
    }

    @Test
    void sigterm_stops_everything_too_and_keep_leaves_the_history_and_logs() throws Exception {
        Banner demo = start("--keep");
        awaitEveryMachineAndServiceUp(demo);
        recordProcesses(demo);

        stop(demo, "TERM", 143);
        assertThat(demo.directory().resolve("fleet.yaml")).isRegularFile();
        assertThat(demo.directory().resolve("macbook/.homefleet/homefleet.db")).isRegularFile();
        assertThat(demo.directory().resolve("logs/agent-macmini.log")).isRegularFile();
        assertThat(lines).anyMatch(line -> line.contains("kept " + demo.directory()));
    }

    /** What the demo prints once it runs: the controller's URL, every port it listens on, its directory. */
    record Banner(String url, Map<String, Integer> ports, Path directory) {}

    private Banner start(String... args) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        List<String> command = new ArrayList<>(List.of("demo"));
        command.addAll(List.of(args));
        process = java(home, command).redirectError(err.toFile()).start();
        readLines(process);
        await("the demo's banner").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(process.isAlive()).as("the demo runs; stdout %s; stderr %s", lines, tail(err)).isTrue();
            return find(LISTENING).isPresent();
        });
        Banner banner = new Banner(find(DASHBOARD).orElseThrow(), listeners(find(LISTENING).orElseThrow()),
                Path.of(find(DIRECTORY).orElseThrow()));
        assertThat(banner.ports()).containsKeys("controller", "macbook agent", "macmini agent", "macbook/gateway",
                "macmini/gateway");
        return banner;
    }

    private static void awaitEveryMachineAndServiceUp(Banner demo) {
        await("both agents report, every service up").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode fleet = get(demo.url() + "/api/v1/fleet");
                    assertThat(fleet.at("/summary/machines_up").asInt()).isEqualTo(2);
                    assertThat(fleet.at("/summary/services_up").asInt()).isEqualTo(5);
                    assertThat(fleet.at("/machines/macmini/via").asText()).startsWith("agent");
                });
    }

    /** The demo's descendants (the agents) and its services with their supervisors, started by whoever. */
    private void recordProcesses(Banner banner) throws IOException {
        started.addAll(ProcessHandle.of(process.pid()).orElseThrow().descendants().toList());
        started.addAll(services(banner.directory()));
        assertThat(started.stream().distinct().count()).as("2 agents, 5 services and their 5 supervisors")
                .isGreaterThanOrEqualTo(12);
    }

    /** Sends the signal; the demo must end with the JVM's code for it, leaving no process and no port behind. */
    private void stop(Banner banner, String signal, int exitCode) throws Exception {
        long signalled = System.nanoTime();
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the demo ends after SIG%s; stderr %s", signal, tail(err))
                .isTrue();
        System.out.printf("the demo stopped %d ms after SIG%s%n", (System.nanoTime() - signalled) / 1_000_000,
                signal);
        assertThat(process.exitValue()).isEqualTo(exitCode);
        // Orphans are reaped by init, which may take a moment (a zombie runs nothing; it only waits to be reaped).
        await("every process the demo started ends").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(started.stream()
                        .filter(DemoProcessTest::running).map(DemoProcessTest::describe).toList())
                        .as("processes left running").isEmpty());
        assertThat(banner.ports().entrySet().stream().filter(p -> ChildJvm.listening(p.getValue()))
                .map(Map.Entry::getKey).toList()).as("ports still listening").isEmpty();
        assertThat(lines).anyMatch(line -> line.contains("the demo stopped"));
    }

    /** The demo's JVM with the tests' class path (surefire's manifest-only jar works for a child JVM too). */
    private ProcessBuilder java(Path home, List<String> args) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx192m", "-Djava.io.tmpdir=" + dir, "-Duser.home=" + home, "-cp",
                ChildJvm.classPath(), "dev.homefleet.controller.cli.Main"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("HOMEFLEET_CONFIG");
        return builder;
    }

    private void readLines(Process process) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the pipe closes with the process
            }
        }, "demo-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private Optional<String> find(Pattern pattern) {
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** {@code controller 41949, macbook agent 34785, macbook/gateway 42453}. */
    static Map<String, Integer> listeners(String text) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String part : text.split(", ")) {
            Matcher m = LISTENER.matcher(part.strip());
            if (m.matches()) {
                ports.put(m.group(1), Integer.parseInt(m.group(2)));
            }
        }
        return ports;
    }

    /**
     * The demo's service processes and their supervisors, from the process manager's pid files in each machine's
     * home (MACHINE/.homefleet/run/SERVICE/pid: the service's pid, then its supervisor's).
     */
    private static List<ProcessHandle> services(Path directory) throws IOException {
        List<ProcessHandle> found = new ArrayList<>();
        try (var files = Files.find(directory, 5, (path, attributes) -> path.getFileName().toString().equals("pid")
                && path.getParent().getParent().getFileName().toString().equals("run"))) {
            for (Path file : files.toList()) {
                Files.readAllLines(file).stream().limit(2).filter(line -> line.matches("\\d+"))
                        .map(Long::parseLong).map(ProcessHandle::of).flatMap(Optional::stream).forEach(found::add);
            }
        }
        return found;
    }

    private static String failoverState(String url) throws Exception {
        return get(url + "/api/v1/failover").at("/failover/gateway/state").asText();
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Alive and not a zombie ({@code ps} says Z for one). */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            Process ps = new ProcessBuilder("ps", "-o", "stat=", "-p", Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String stat = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            ps.waitFor(5, TimeUnit.SECONDS);
            return !stat.isEmpty() && !stat.startsWith("Z");
        } catch (IOException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static String describe(ProcessHandle process) {
        return process.pid() + " " + process.info().commandLine().orElse("?");
    }

    private static String tail(Path file) {
        return ChildJvm.tail(file, 30);
    }
}
