package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.ports.PortEntry;
import dev.homefleet.core.ports.PortRegistry;
import dev.homefleet.core.ports.RangeUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The fleet.yaml shipped at the project root is the fleet of the seed document, complete and valid. */
class ShippedFleetTest {

    private static final Path SHIPPED = Path.of("..", "fleet.yaml");
    private static final Map<String, String> ENV = Map.of(
            "HOMEFLEET_ADMIN_TOKEN", "a", "HOMEFLEET_VIEWER_TOKEN", "v",
            "HOMEFLEET_AGENT_TOKEN", "t", "HOMEFLEET_TELEGRAM_BOT_TOKEN", "1:x");

    private final LoadResult result = new FleetConfigLoader(ENV).load(SHIPPED);
    private final FleetConfig fleet = result.config();

    @Test
    void shipped_fleet_yaml_is_valid_and_only_warns_about_the_missing_chat_id() {
        assertThat(result.errors()).isEmpty();
        assertThat(result.warnings()).extracting(Problem::path).containsExactly("alerts.telegram");
    }

    @Test
    void without_the_secrets_in_the_environment_it_is_still_valid_and_says_which_are_missing() {
        LoadResult bare = new FleetConfigLoader(Map.of()).load(SHIPPED);
        assertThat(bare.ok()).isTrue();
        assertThat(bare.warnings()).extracting(Problem::path).contains(
                "controller.tokens.admin", "machines.macmini.agent.token", "alerts.telegram.bot_token");
    }

    @Test
    void it_has_the_four_machines_with_their_addresses_and_reach() {
        assertThat(fleet.machines()).containsOnlyKeys("macbook", "macmini", "msi", "iphone");
        MachineSpec macbook = fleet.machines().get("macbook");
        assertThat(macbook.addresses()).isEqualTo(
                new Addresses("10.144.238.116", "100.125.165.107", "felipes-macbook-pro.local"));
        assertThat(macbook.reach().via()).isEqualTo(ReachSpec.Via.LOCAL);
        MachineSpec macmini = fleet.machines().get("macmini");
        assertThat(macmini.addresses()).isEqualTo(
                new Addresses("10.144.238.117", "100.115.10.14", "felipes-mac-mini.local"));
        assertThat(macmini.reach().ssh().host()).isEqualTo("felipes-mac-mini.local");
        assertThat(macmini.reach().ssh().user()).isEqualTo("felipemacmini");
        SshSpec msi = fleet.machines().get("msi").reach().ssh();
        assertThat(msi.host()).isEqualTo("msi");
        assertThat(msi.proxy()).isEqualTo("socks5://localhost:1055");
        assertThat(msi.connectTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(msi.shell()).isEqualTo(SshSpec.Shell.POWERSHELL);
        assertThat(fleet.machines().get("msi").addresses().tailscale()).isEqualTo("100.67.241.32");
        assertThat(fleet.machines().get("iphone").reach().via()).isEqualTo(ReachSpec.Via.NONE);
        assertThat(fleet.machines().get("iphone").addresses().tailscale()).isEqualTo("100.89.50.26");
        assertThat(fleet.controller().machine()).isEqualTo("macbook");
    }

    @Test
    void every_service_of_the_seed_tables_is_under_its_machine_with_its_manager() {
        assertThat(managers("macbook")).containsExactly(
                "clawdbot-gateway=launchd:com.clawdbot.gateway", "ollama=launchd:homebrew.mxcl.ollama",
                "crabwalk=launchd:com.clawdbot.crabwalk", "clawd-status=launchd:com.clawdbot.status-api",
                "heartbeat-bot=cron:null");
        assertThat(managers("macmini")).containsExactly(
                "clawdbot-gateway=launchd:com.clawdbot.gateway", "clawdbot-node=launchd:com.clawdbot.node",
                "ollama=pm2:ollama", "aphos-server-prod=pm2:aphos-server-prod",
                "aphos-server-dev=pm2:aphos-server-dev", "failover-watchdog=launchd:com.clawdbot.failover",
                "system-cleanup=launchd:com.clawdbot.system-cleanup", "caffeinate=launchd:com.clawdbot.caffeinate");
        assertThat(managers("msi")).containsExactly(
                "clawdbot-bot=windows:clawdbot-bot", "tailscale=windows:Tailscale", "openssh-server=windows:sshd");
        ManagerSpec prod = fleet.machines().get("macmini").services().get("aphos-server-prod").manager();
        assertThat(prod.script()).isEqualTo("dist/index.js");
        assertThat(prod.cwd()).isEqualTo("/Users/felipemacmini/repos/aphos/server");
        assertThat(prod.env()).containsEntry("NODE_ENV", "production");
    }

    @Test
    void the_seed_curl_checks_became_http_checks_with_a_five_second_timeout() {
        CheckSpec ollama = fleet.machines().get("macbook").services().get("ollama").check();
        assertThat(ollama.http()).isEqualTo("http://127.0.0.1:11434/api/tags");
        assertThat(ollama.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(fleet.machines().get("macbook").services().get("crabwalk").check().http())
                .isEqualTo("http://127.0.0.1:9009/");
        assertThat(fleet.machines().get("macbook").services().get("clawd-status").check().http())
                .isEqualTo("http://127.0.0.1:9010/");
    }

    @Test
    void its_port_map_equals_the_seed_port_tables() {
        List<String> seedPorts = PortRegistry.of(fleet).entries().stream()
                .filter(e -> !e.manager().equals("homefleet"))
                .map(e -> e.port() + " " + e.machine() + " " + e.service() + " " + e.bind())
                .toList();
        assertThat(seedPorts).containsExactly(
                "22 msi openssh-server 0.0.0.0",
                "2567 macmini aphos-server-prod 0.0.0.0",
                "2568 macmini aphos-server-dev 0.0.0.0",
                "9009 macbook crabwalk 127.0.0.1",
                "9010 macbook clawd-status 127.0.0.1",
                "11434 macbook ollama 0.0.0.0",
                "11434 macmini ollama none",
                "18789 macbook clawdbot-gateway 0.0.0.0",
                "18789 macmini clawdbot-gateway 0.0.0.0");
    }

    @Test
    void homefleets_own_listeners_are_in_the_port_map_too() {
        assertThat(PortRegistry.of(fleet).entries()).filteredOn(e -> e.manager().equals("homefleet"))
                .extracting(e -> e.port() + " " + e.machine() + " " + e.service() + " " + e.bind())
                .containsExactly("8420 macbook homefleet-controller 100.125.165.107",
                        "8421 macmini homefleet-agent 10.144.238.117");
    }

    @Test
    void its_reserved_ranges_equal_the_seed_project_ports_table() {
        List<RangeUsage> ranges = PortRegistry.of(fleet).ranges(Optional.empty());
        assertThat(ranges).extracting(r -> r.from() + "-" + r.to() + " " + r.project() + " " + r.defaultPorts())
                .containsExactly(
                        "2567-2599 aphos-game [2567, 2568]",
                        "3000-3099 ez-crm [3000]",
                        "3100-3199 linklounge [3100]",
                        "4000-4099 aphos-web [4000, 4001]",
                        "5000-5099 shitcoin-bot []",
                        "8081-8081 bmi-calculator [8081]",
                        "8082-8082 bills-tracker [8082]",
                        "8083-8083 screen-translator [8083]");
        RangeUsage aphos = ranges.get(0);
        assertThat(aphos.used()).extracting(PortEntry::service).containsExactly("aphos-server-prod", "aphos-server-dev");
        assertThat(aphos.free()).isEqualTo(31);
    }

    @Test
    void its_jobs_checkins_and_failover_carry_the_seed_numbers() {
        assertThat(fleet.jobs().heartbeat().schedule().every()).isEqualTo(Duration.ofMinutes(60));
        assertThat(fleet.jobs().healer().schedule().quartz()).isEqualTo("0 0 */2 * * ?");
        assertThat(fleet.jobs().cleaner().schedule().quartz()).isEqualTo("0 0 */2 * * ?");
        assertThat(fleet.jobs().healer().maxRestartsPerRun()).isEqualTo(2);
        assertThat(fleet.jobs().cleaner().simulatorLimit()).isEqualTo(20);
        assertThat(fleet.jobs().cleaner().watchPorts()).containsExactly(3000, 4000, 5000, 8080);
        assertThat(fleet.checkins().values()).extracting(c -> c.name() + " " + c.schedule())
                .containsExactly("lume-update 0 10 * * *", "git-auto-sync */15 * * * *",
                        "clear-sessions 0 0 * * 0", "auto-trim-agents 0 * * * *", "crash-monitor * * * * *");
        FailoverSpec gateway = fleet.failover().get("gateway");
        assertThat(gateway.primary()).isEqualTo(new FailoverSpec.Endpoint("macbook", "clawdbot-gateway"));
        assertThat(gateway.standby()).isEqualTo(new FailoverSpec.Endpoint("macmini", "clawdbot-gateway"));
        assertThat(gateway.check()).isEqualTo("http://felipes-macbook-pro.local:18789/");
        assertThat(List.of(gateway.interval(), gateway.timeout()))
                .containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(5));
        assertThat(List.of(gateway.fall(), gateway.rise())).containsExactly(3, 5);
        assertThat(fleet.alerts().telegram().botToken()).isEqualTo(
                new Secret(Secret.Source.ENV, "HOMEFLEET_TELEGRAM_BOT_TOKEN"));
    }

    private List<String> managers(String machine) {
        return fleet.machines().get(machine).services().values().stream()
                .map(s -> s.name() + "=" + s.manager().type().name().toLowerCase() + ":" + s.manager().id())
                .toList();
    }
}
