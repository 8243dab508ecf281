package dev.homefleet.controller.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.clean.ProcessInfo;
import dev.homefleet.controller.clean.ProcessTable.Listing;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec.Os;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.metrics.ListeningSocket;
import dev.homefleet.launchd.plist.KeepAlive;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.pm2.Pm2Process;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the planner makes of what a survey could find, and that every plan renders to a file fleet validate takes. */
class PlannerTest {

    private static final HostFacts LINUX = new HostFacts("box", Os.LINUX, "192.168.1.10", "100.101.102.103", null);
    private static final HostFacts MAC = new HostFacts("Felipes-MacBook-Pro.local", Os.MACOS, "10.144.238.116",
            null, "felipes-macbook-pro.local");

    /** A survey to fill in, field by field. */
    private static final class Found {
        HostFacts host = LINUX;
        final List<ListeningSocket> sockets = new ArrayList<>();
        final Map<Integer, List<String>> argv = new java.util.HashMap<>();
        final List<ProcessInfo> processes = new ArrayList<>();
        final List<Pm2Process> pm2 = new ArrayList<>();
        int pm2Daemon = -1;
        final List<LaunchAgent> agents = new ArrayList<>();
        final Map<String, Integer> launchd = new java.util.LinkedHashMap<>();

        Found on(HostFacts machine) {
            host = machine;
            return this;
        }

        Found listens(int port, String address, int pid, String process, String... command) {
            sockets.add(new ListeningSocket(port, address, pid, process));
            if (command.length > 0) {
                argv.put(pid, List.of(command));
                processes.add(new ProcessInfo(pid, 1, Duration.ofMinutes(5), String.join(" ", command)));
            }
            return this;
        }

        Found child(int pid, int parent) {
            processes.removeIf(p -> p.pid() == pid);
            processes.add(new ProcessInfo(pid, parent, Duration.ofMinutes(5), "node"));
            return this;
        }

        Found pm2(String name, int pid, Map<String, String> env) {
            return pm2(name, pid, env, Pm2Process.Launch.UNKNOWN);
        }

        Found pm2(String name, int pid, Map<String, String> env, Pm2Process.Launch launch) {
            pm2.add(new Pm2Process(name, pm2.size(), pid, pid > 0 ? "online" : "stopped", 0, Instant.EPOCH, 0, 0,
                    null, env, launch));
            return this;
        }

        Found agent(LaunchdJob job, Integer pid) {
            agents.add(new LaunchAgent("~/Library/LaunchAgents/" + job.label() + ".plist", job, null));
            if (pid != null) {
                launchd.put(job.label(), pid);
            }
            return this;
        }

        StarterPlan plan() {
            Survey survey = new Survey(host, sockets, new Listing(processes, -1, List.of(), null), argv, pm2,
                    pm2Daemon, agents, launchd, List.of());
            return StarterPlan.of(survey, 8420);
        }
    }

    /** The plan as a file, which must load with no error; its services as fleet.yaml has them. */
    private static Map<String, ServiceSpec> valid(StarterPlan plan) {
        String text = StarterFile.render(plan, Instant.parse("2025-06-01T10:00:00Z"));
        LoadResult result = new FleetConfigLoader(Map.of()).parse(text, "fleet.yaml");
        assertThat(result.errors()).as(text).isEmpty();
        FleetConfig config = result.config();
        return config.machines().get(plan.host().machineName()).services();
    }

    private static List<String> reviewNames(StarterPlan plan) {
        return plan.review().stream().map(PlannedService::name).toList();
    }

    @ParameterizedTest
    @CsvSource({"LINUX, 32767, 32768", "MACOS, 49151, 49152"})
    void ephemeral_ports_are_left_out_from_the_os_boundary_up(Os os, int kept, int ephemeral) {
        HostFacts host = new HostFacts("box", os, null, null, null);
        StarterPlan plan = new Found().on(host)
                .listens(kept, "127.0.0.1", 300, "node", "/usr/bin/node", "a.js")
                .listens(ephemeral, "127.0.0.1", 301, "node", "/usr/bin/node", "b.js").plan();

        assertThat(reviewNames(plan)).containsExactly("node-" + kept);
        assertThat(plan.skipped()).containsOnlyKeys(
                String.format(Planner.SKIP_EPHEMERAL, ephemeral, os == Os.LINUX ? "Linux" : "macOS"));
        assertThat(plan.skipped().values().iterator().next()).containsExactly(
                ephemeral + " node (pid 301) on 127.0.0.1");
        valid(plan);
    }

    @Test
    void system_daemons_on_loopback_are_left_out_but_other_listeners_are_offered_commented_out() {
        StarterPlan plan = new Found()
                .listens(53, "127.0.0.53", -1, "")
                .listens(631, "127.0.0.1", 400, "cupsd", "/usr/sbin/cupsd", "-l")
                .listens(22, "0.0.0.0", -1, "")
                .listens(22, "::", -1, "")
                .listens(3000, "127.0.0.1", 401, "node", "/usr/bin/node", "dev.js", "--token", "s3cret")
                .plan();

        assertThat(plan.skipped().get(Planner.SKIP_SYSTEM)).containsExactly(
                "53 a process of another user on 127.0.0.53", "631 cupsd (pid 400) on 127.0.0.1");
        assertThat(plan.services()).isEmpty();
        assertThat(reviewNames(plan)).containsExactly("port-22", "node-3000");
        PlannedService ssh = plan.review().get(0);
        assertThat(ssh.bind()).isEqualTo("all");
        assertThat(ssh.check()).containsEntry("tcp", "127.0.0.1:22");
        assertThat(ssh.comments()).singleElement().asString().startsWith("its owner is hidden");
        PlannedService node = plan.review().get(1);
        assertThat(node.manager()).containsEntry("type", "process")
                .containsEntry("command", List.of("/usr/bin/node", "dev.js", "--token", "<redacted>"));
        assertThat(node.description()).isEqualTo("node (pid 401) listening on 127.0.0.1");
        assertThat(node.comments()).anySatisfy(c -> assertThat(c).contains("http: http://127.0.0.1:3000/"));

        String text = StarterFile.render(plan, Instant.EPOCH);
        assertThat(text).contains("      # node-3000:\n        # description: node (pid 401) listening on 127.0.0.1\n")
                .doesNotContain("s3cret");
        assertThat(valid(plan)).isEmpty();
    }

    @Test
    void a_pm2_apps_listener_is_found_through_its_parent_and_its_second_port_is_mentioned() {
        StarterPlan plan = new Found()
                .pm2("web", 100, Map.of("PORT", "3000"))
                .pm2("worker", 0, Map.of("PORT", "3100"))
                .listens(3000, "127.0.0.1", 200, "node", "/usr/bin/node", "server.js")
                .listens(9229, "127.0.0.1", 200, "node")
                .child(200, 100)
                .plan();

        Map<String, ServiceSpec> services = valid(plan);
        assertThat(services).containsOnlyKeys("web", "worker");
        ServiceSpec web = services.get("web");
        assertThat(web.manager().type()).isEqualTo(ManagerSpec.Type.PM2);
        assertThat(web.manager().name()).isEqualTo("web");
        assertThat(web.port()).isEqualTo(3000);
        assertThat(web.bind()).isEqualTo("loopback");
        assertThat(web.check().tcp()).isEqualTo("127.0.0.1:3000");
        assertThat(plan.services().get(0).comments()).contains("also listens on 9229 (127.0.0.1)");
        ServiceSpec worker = services.get("worker");
        assertThat(worker.port()).isNull();
        assertThat(worker.check().manager()).isTrue();
        assertThat(plan.services().get(1).comments()).anySatisfy(c -> assertThat(c)
                .startsWith("its env has PORT=3100, but nothing of it listened"));
        assertThat(plan.review()).isEmpty();
    }

    @Test
    void a_pm2_app_is_written_with_the_script_args_and_cwd_pm2_runs_it_with_secrets_left_out() {
        StarterPlan plan = new Found()
                .pm2("aphos-server", 100, Map.of("PORT", "2567"), new Pm2Process.Launch(
                        "/Users/felipe/aphos/server/dist/index.js", List.of("--mode", "prod", "--api-key=s3cret"),
                        "/Users/felipe/aphos/server", "node"))
                .pm2("scraper", 0, Map.of(), new Pm2Process.Launch("/Users/felipe/bin/scrape.py", List.of(),
                        "/Users/felipe/bin", "python3"))
                .listens(2567, "0.0.0.0", 100, "node", "/usr/bin/node", "dist/index.js")
                .plan();

        Map<String, ServiceSpec> services = valid(plan);
        ManagerSpec aphos = services.get("aphos-server").manager();
        assertThat(aphos.script()).isEqualTo("/Users/felipe/aphos/server/dist/index.js");
        assertThat(aphos.args()).containsExactly("--mode", "prod", "--api-key=<redacted>");
        assertThat(aphos.cwd()).isEqualTo("/Users/felipe/aphos/server");
        assertThat(aphos.interpreter()).as("node is pm2's own default").isNull();
        assertThat(services.get("scraper").manager().interpreter()).isEqualTo("python3");
        assertThat(plan.services().get(0).comments()).anySatisfy(c -> assertThat(c)
                .startsWith("script, args and cwd as pm2 runs it now"));
        assertThat(StarterFile.render(plan, Instant.EPOCH)).doesNotContain("s3cret");
    }

    @Test
    void a_port_two_services_listen_on_is_declared_once() {
        StarterPlan plan = new Found()
                .pm2("blue", 100, Map.of())
                .pm2("green", 101, Map.of())
                .listens(3000, "0.0.0.0", 100, "node", "/usr/bin/node", "blue.js")
                .listens(3000, "::", 101, "node", "/usr/bin/node", "green.js")
                .plan();

        Map<String, ServiceSpec> services = valid(plan);
        assertThat(services.get("blue").port()).isEqualTo(3000);
        assertThat(services.get("green").port()).isNull();
        assertThat(services.get("green").check().manager()).isTrue();
        assertThat(plan.services().get(1).comments()).anySatisfy(c -> assertThat(c)
                .startsWith("it listens on 3000 too, which blue above declares"));
    }

    @Test
    void in_pm2_cluster_mode_the_daemon_holds_the_socket_and_the_app_is_the_one_with_that_port() {
        Found found = new Found()
                .pm2("api", 150, Map.of("PORT", "4000"))
                .listens(4000, "0.0.0.0", 90, "node", "node", "/usr/lib/node_modules/pm2/lib/Daemon.js");
        found.pm2Daemon = 90;
        StarterPlan plan = found.plan();

        assertThat(valid(plan).get("api").port()).isEqualTo(4000);
        assertThat(plan.review()).isEmpty();
    }

    @Test
    void homefleet_itself_and_the_controllers_port_are_left_out() {
        StarterPlan plan = new Found()
                .listens(8421, "127.0.0.1", 500, "java", "/usr/bin/java", "-jar",
                        "/opt/homefleet/controller/target/homefleet-controller.jar", "agent")
                .listens(8420, "0.0.0.0", 501, "python3", "/usr/bin/python3", "-m", "http.server", "8420")
                .plan();

        assertThat(plan.skipped().get(Planner.SKIP_HOMEFLEET)).containsExactly("8421 java (pid 500) on 127.0.0.1");
        assertThat(plan.skipped().get(Planner.SKIP_CONTROLLER_PORT)).containsExactly(
                "8420 python3 (pid 501) on 0.0.0.0");
        assertThat(plan.review()).isEmpty();
        valid(plan);
    }

    @ParameterizedTest
    @CsvSource({
            "192.168.1.10, lan, 192.168.1.10",
            "100.101.102.103, tailscale, 100.101.102.103",
            "127.0.0.1, loopback, 127.0.0.1",
            "::1, ::1, [::1]",
            "172.17.0.1, 172.17.0.1, 172.17.0.1",
            "::, all, 127.0.0.1"})
    void a_bind_address_is_written_as_the_word_for_it(String address, String word, String checkHost) {
        Planner.Bind bind = Planner.bind(List.of(address), LINUX);

        assertThat(bind.word()).isEqualTo(word);
        assertThat(bind.checkHost()).isEqualTo(checkHost);
    }

    @Test
    void launch_agents_become_launchd_services_with_the_port_of_their_process() {
        LaunchdJob gateway = LaunchdJob.builder("com.clawdbot.gateway")
                .programArguments(List.of("/opt/homebrew/bin/node", "gateway.js", "--telegram-token", "123:abc"))
                .keepAlive(KeepAlive.ALWAYS).runAtLoad(true).build();
        LaunchdJob backup = LaunchdJob.builder("com.me.backup").programArguments(List.of("/usr/local/bin/backup"))
                .startInterval(3600).build();
        LaunchdJob homefleet = LaunchdJob.builder("dev.homefleet.agent").build();
        Found found = new Found().on(MAC)
                .agent(gateway, 700).agent(backup, null).agent(homefleet, 800)
                .listens(18789, "::", 700, "node", "/opt/homebrew/bin/node", "gateway.js")
                .listens(18789, "0.0.0.0", 700, "node")
                .listens(5000, "::", 900, "ControlCenter", "/System/Library/CoreServices/ControlCenter.app")
                .listens(6379, "127.0.0.1", 901, "redis-server", "/opt/homebrew/bin/redis-server");
        found.launchd.put("com.apple.controlcenter", 900);
        found.launchd.put("homebrew.mxcl.redis", 901);
        found.agents.add(new LaunchAgent("~/Library/LaunchAgents/broken.plist", null, "not a valid property list"));
        StarterPlan plan = found.plan();

        Map<String, ServiceSpec> services = valid(plan);
        assertThat(services).containsOnlyKeys("clawdbot-gateway", "me-backup", "redis");
        ServiceSpec clawdbot = services.get("clawdbot-gateway");
        assertThat(clawdbot.manager().type()).isEqualTo(ManagerSpec.Type.LAUNCHD);
        assertThat(clawdbot.manager().label()).isEqualTo("com.clawdbot.gateway");
        assertThat(clawdbot.manager().plist()).isEqualTo("~/Library/LaunchAgents/com.clawdbot.gateway.plist");
        assertThat(clawdbot.manager().domain()).isEqualTo(ManagerSpec.Domain.GUI);
        assertThat(clawdbot.port()).isEqualTo(18789);
        assertThat(clawdbot.bind()).isEqualTo("all");
        assertThat(clawdbot.check().tcp()).isEqualTo("127.0.0.1:18789");
        assertThat(clawdbot.description()).isEqualTo(
                "LaunchAgent com.clawdbot.gateway: /opt/homebrew/bin/node gateway.js --telegram-token <redacted>");
        ServiceSpec periodic = services.get("me-backup");
        assertThat(periodic.check()).isNull();
        assertThat(plan.services().get(1).comments()).singleElement().asString()
                .startsWith("launchd starts it on a timer (every 3600 s)");
        assertThat(services.get("redis").manager().label()).isEqualTo("homebrew.mxcl.redis");
        assertThat(services.get("redis").manager().plist()).isNull();
        assertThat(plan.skipped().get(Planner.SKIP_APPLE)).containsExactly(
                "5000 ControlCenter (pid 900) on :: (com.apple.controlcenter)");
        assertThat(plan.skipped().get(Planner.SKIP_HOMEFLEET)).containsExactly(
                "LaunchAgent dev.homefleet.agent (~/Library/LaunchAgents/dev.homefleet.agent.plist)");
        assertThat(plan.skipped().get(Planner.SKIP_UNREADABLE)).containsExactly(
                "~/Library/LaunchAgents/broken.plist: not a valid property list");
    }

    @Test
    void launch_agents_on_a_machine_that_is_not_a_mac_are_listed_as_left_out() {
        LaunchdJob job = LaunchdJob.builder("com.me.web").programArguments(List.of("/usr/bin/web")).build();
        StarterPlan plan = new Found().agent(job, null).plan();

        assertThat(plan.services()).isEmpty();
        assertThat(plan.skipped().get(String.format(Planner.SKIP_NOT_MACOS, "Linux"))).containsExactly(
                "com.me.web (~/Library/LaunchAgents/com.me.web.plist)");
        valid(plan);
    }
}
