package dev.homefleet.controller.clean;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.clean.Finding.Kind;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.metrics.ListeningSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real sockets on 127.0.0.1, found by the real listener sweep (ss), against a fleet written as YAML. */
class CleanerPortsTest {

    private final List<ServerSocket> sockets = new ArrayList<>();
    private final int pid = Math.toIntExact(ProcessHandle.current().pid());

    @AfterEach
    void close() throws IOException {
        for (ServerSocket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void undeclared_listeners_in_a_reserved_range_or_on_a_watched_port_and_a_port_held_by_another_program()
            throws IOException {
        int stray = listen();      // inside a range reserved for aphos, declared by nobody
        int watched = listen();    // on watch_ports, declared by nobody
        int hijacked = listen();   // declared for ollama, held by this JVM
        int ours = listen();       // declared for a service that runs java: this JVM is the right holder
        int declaredInRange = listen(); // in the aphos range and declared by an aphos service
        FleetConfig config = TestFleet.create()
                .boxServices("""
                        ollama:
                          manager: {type: process, command: [/opt/homefleet-test/bin/ollama, serve]}
                          port: %d
                          bind: loopback
                        own:
                          manager: {type: process, command: [java]}
                          port: %d
                          bind: loopback
                        aphos-web:
                          manager: {type: process, command: [java]}
                          port: %d
                          bind: loopback
                          project: aphos-web
                        """.formatted(hijacked, ours, declaredInRange))
                .reserved("""
                        aphos: {range: "%d"}
                        aphos-web: {range: "%d"}
                        """.formatted(stray, declaredInRange))
                .cleaner("watch_ports: [" + watched + "]")
                .config();

        CleanerReport report = Cleaner.of(config).run("box", config.machines().get("box"), new LocalCommandRunner());

        assertThat(report.errors()).isEmpty();
        assertThat(report.portFindings()).extracting(Finding::kind, Finding::port, Finding::pid, Finding::service,
                        Finding::project)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Kind.UNDECLARED_IN_RANGE, stray, pid, null, "aphos"),
                        org.assertj.core.groups.Tuple.tuple(Kind.UNDECLARED_WATCHED, watched, pid, null, null),
                        org.assertj.core.groups.Tuple.tuple(Kind.WRONG_PROCESS, hijacked, pid, "ollama", null));
        Finding inRange = finding(report, Kind.UNDECLARED_IN_RANGE);
        assertThat(inRange.message()).isEqualTo("java (pid " + pid + ") listens on box:" + stray
                + " (127.0.0.1), inside the range " + stray + "-" + stray + " reserved for aphos, and no service"
                + " declares that port; declare it in fleet.yaml or stop it");
        assertThat(finding(report, Kind.WRONG_PROCESS).message()).isEqualTo("port " + hijacked + " on box belongs"
                + " to ollama (ollama) but java (pid " + pid + ") holds it; stop that process so ollama can have"
                + " its port");
        assertThat(report.summary()).endsWith("; 3 port conflicts");

        FleetEvent event = finding(report, Kind.WRONG_PROCESS).toEvent();
        assertThat(event.type()).isEqualTo(EventType.PORT_CONFLICT);
        assertThat(event.machine()).isEqualTo("box");
        assertThat(event.service()).isEqualTo("ollama");
        assertThat(event.subject()).isEqualTo("box:" + hijacked);
        assertThat(event.data()).containsEntry("kind", "wrong_process").containsEntry("port", hijacked)
                .containsEntry("pid", pid).containsEntry("process", "java");
        assertThat(report.events()).filteredOn(e -> e.type() == EventType.PORT_CONFLICT).hasSize(3);
    }

    @Test
    void without_a_command_line_the_process_name_decides_and_without_either_nothing_is_said() throws IOException {
        FleetConfig config = TestFleet.create().miniServices("""
                ollama:
                  manager: {type: launchd, label: com.ollama, command: [/opt/homebrew/bin/ollama, serve]}
                  port: 11434
                gateway:
                  manager: {type: pm2, name: gateway, script: /srv/gateway/index.js}
                  port: 18789
                """).config();
        MachineSpec mini = config.machines().get("mini");
        List<ListeningSocket> listeners = List.of(
                new ListeningSocket(11434, "0.0.0.0", -1, "ollama"),       // another user's, name only: fine
                new ListeningSocket(18789, "0.0.0.0", -1, "node"),         // pm2 runs it with node: cannot tell
                new ListeningSocket(18789, "::", -1, ""));                 // nothing known at all
        CleanerReport report = Cleaner.of(config).run("mini", mini, new LocalCommandRunner(), listeners);
        assertThat(report.portFindings()).isEmpty();

        List<ListeningSocket> hijacked = List.of(new ListeningSocket(11434, "0.0.0.0", -1, "python3"));
        CleanerReport other = Cleaner.of(config).run("mini", mini, new LocalCommandRunner(), hijacked);
        assertThat(other.portFindings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.WRONG_PROCESS);
            assertThat(f.message()).isEqualTo("port 11434 on mini belongs to ollama (ollama) but python3 holds it;"
                    + " stop that process so ollama can have its port");
        });
    }

    @Test
    void the_word_that_identifies_a_service_skips_interpreters_and_options_but_not_npm() {
        FleetConfig config = TestFleet.create().miniServices("""
                gateway:
                  manager:
                    type: launchd
                    label: gw
                    command: [/opt/homebrew/bin/node, --max-old-space-size=512, ~/clawdbot/dist/index.js, gateway]
                aphos:
                  manager: {type: pm2, name: aphos, script: npm, args: [start]}
                ollama:
                  manager: {type: process, command: [/opt/homebrew/bin/ollama, serve]}
                """).config();
        Map<String, dev.homefleet.core.config.ServiceSpec> services = config.machines().get("mini").services();

        assertThat(PortCheck.word(services.get("gateway").manager())).contains("index.js");
        assertThat(PortCheck.word(services.get("aphos").manager())).contains("npm");
        assertThat(PortCheck.word(services.get("ollama").manager())).contains("ollama");
    }

    private static Finding finding(CleanerReport report, Kind kind) {
        return report.portFindings().stream().filter(f -> f.kind() == kind).findFirst().orElseThrow();
    }

    private int listen() throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        sockets.add(socket);
        return socket.getLocalPort();
    }
}
