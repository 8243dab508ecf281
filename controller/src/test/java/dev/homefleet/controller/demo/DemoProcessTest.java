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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fleet demo --scenario outage} as a person runs it, a process of its own with its agents and services: the
 * controller answers, both agents report, the outage goes all the way to the standby taking over and yielding back,
 * and Ctrl-C (SIGINT) leaves no process, no listening port and no directory behind.
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

    private Process demo;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void leaveNothingBehind() throws InterruptedException {
        if (demo != null && demo.isAlive()) {
            demo.destroy();
            if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void the_outage_goes_to_the_standby_and_back_and_ctrl_c_leaves_nothing_behind() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path err = dir.resolve("demo.err");
        demo = java(home, List.of("demo", "--scenario", "outage", "--outage-after", "5s", "--outage-for", "25s"))
                .redirectError(err.toFile()).start();
        readLines(demo);

        await("the demo's banner").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(demo.isAlive()).as("the demo runs; stdout %s; stderr %s", lines, tail(err)).isTrue();
            return find(LISTENING).isPresent();
        });
        String url = find(DASHBOARD).orElseThrow();
        Path directory = Path.of(find(DIRECTORY).orElseThrow());
        Map<String, Integer> ports = listeners(find(LISTENING).orElseThrow());
        assertThat(ports).containsKeys("controller", "macbook agent", "macmini agent", "macbook/gateway",
                "macmini/gateway");
        assertThat(directory).isDirectory().startsWith(dir);

        assertThat(get(url + "/health").path("status").asText()).isEqualTo("ok");
        await("both agents report, every service up").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode fleet = get(url + "/api/v1/fleet");
                    assertThat(fleet.at("/summary/machines_up").asInt()).isEqualTo(2);
                    assertThat(fleet.at("/summary/services_up").asInt()).isEqualTo(5);
                    assertThat(fleet.at("/machines/macmini/via").asText()).startsWith("agent");
                });
        started.addAll(ProcessHandle.of(demo.pid()).orElseThrow().descendants().toList());
        started.addAll(services(directory));
        assertThat(started).as("2 agents, 5 services and their 5 supervisors").hasSizeGreaterThanOrEqualTo(12);

        await("the standby takes over").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300))
                .until(() -> failoverState(url).equals("active"));
        await("the standby yields once the gateway is repaired").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300)).until(() -> failoverState(url).equals("standby"));
        assertThat(get(url + "/api/v1/failover").path("transitions").findValuesAsText("type"))
                .containsSubsequence("failover.takeover", "failover.yield");
        assertThat(String.join("\n", lines)).contains("service.down", "service.restarted", "service.gave-up",
                "failover.takeover", "failover.yield", ">>> the outage is over");
        started.addAll(services(directory)); // the ones the healer and the watchdog started since

        long signalled = System.nanoTime();
        new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).start().waitFor(5, TimeUnit.SECONDS);

        assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("the demo ends after SIGINT; stderr %s", tail(err))
                .isTrue();
        System.out.printf("the demo stopped %d ms after SIGINT%n", (System.nanoTime() - signalled) / 1_000_000);
        assertThat(demo.exitValue()).isEqualTo(130);
        // Orphans are reaped by init, which may take a moment (a zombie runs nothing; it only waits to be reaped).
        await("every process the demo started ends").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(started.stream()
                        .filter(DemoProcessTest::running).map(DemoProcessTest::describe).toList())
                        .as("processes left running").isEmpty());
        assertThat(ports.entrySet().stream().filter(p -> ChildJvm.listening(p.getValue())).map(Map.Entry::getKey)
                .toList()).as("ports still listening").isEmpty();
        assertThat(directory).doesNotExist();
        assertThat(lines).anyMatch(line -> line.contains("the demo stopped"));
    }

    private ProcessBuilder java(Path home, List<String> args) {
        List<String> command = new ArrayList<>(List.of(ChildJvm.java().toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx192m", "-Djava.io.tmpdir=" + dir, "-Duser.home=" + home, "-cp",
                classPath(), "dev.homefleet.controller.cli.Main"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HOME", home.toString());
        builder.environment().remove("HOMEFLEET_CONFIG");
        return builder;
    }

    /** Surefire may hide the real class path behind a manifest-only jar; that jar works for a child JVM too. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
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
