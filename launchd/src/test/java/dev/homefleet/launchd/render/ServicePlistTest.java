package dev.homefleet.launchd.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.launchd.Golden;
import dev.homefleet.launchd.plist.KeepAlive;
import dev.homefleet.launchd.plist.LaunchdJob;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServicePlistTest {

    private static final String HOME = "/Users/felipemacmini";
    private static FleetConfig fleet;

    @BeforeAll
    static void theMacMinisServices() {
        LoadResult result = new FleetConfigLoader(Map.of()).parse("""
                version: 1
                controller: {machine: macmini}
                machines:
                  macmini:
                    os: macos
                    reach: {via: local}
                    services:
                      clawdbot-gateway:
                        manager:
                          type: launchd
                          label: com.clawdbot.gateway
                          plist: ~/Library/LaunchAgents/com.clawdbot.gateway.plist
                          command: [/opt/homebrew/bin/node, ~/.npm-global/lib/node_modules/clawdbot/dist/index.js,
                                    gateway, --port, "18789"]
                          cwd: ~/clawd
                          env:
                            CLAWDBOT_TELEGRAM_ENABLED: "false"
                            CLAWDBOT_GATEWAY_URL: http://felipes-macbook-pro.local:18789/?a=1&b=<2>
                        port: 18789
                      system-cleanup:
                        manager:
                          type: launchd
                          label: com.clawdbot.system-cleanup
                          command: [/bin/bash, ~/clawd/utils/system-cleanup.sh]
                          schedule: "@every 15m"
                      healer:
                        manager:
                          type: launchd
                          label: com.clawdbot.healer
                          command: [~/clawd/utils/healer-auto-recovery.sh]
                          schedule: "0 */2 * * *"
                      caffeinate:
                        auto_start: false
                        manager: {type: launchd, label: com.clawdbot.caffeinate, command: [/usr/bin/caffeinate, -dimsu]}
                      ollama:
                        manager:
                          type: launchd
                          label: homebrew.mxcl.ollama
                          domain: system
                          command: [/opt/homebrew/opt/ollama/bin/ollama, serve]
                      clawdbot-node:
                        manager: {type: launchd, label: com.clawdbot.node}
                      aphos-server-prod:
                        manager: {type: pm2, name: aphos-server-prod, script: dist/index.js}
                """, "fleet.yaml");
        assertThat(result.errors()).isEmpty();
        fleet = result.config();
    }

    private static ServiceSpec service(String name) {
        return fleet.machines().get("macmini").services().get(name);
    }

    private static LaunchdJob render(String name) {
        return ServicePlist.render("macmini", name, service(name), HOME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"clawdbot-gateway", "system-cleanup", "healer"})
    void the_rendered_service_matches_its_golden_file_and_reads_back_through_dd_plist(String name) throws Exception {
        String xml = render(name).toXml();

        Golden.assertMatches("service-" + name + ".plist", xml);
        assertThat(LaunchdJob.fromDictionary((NSDictionary) PropertyListParser.parse(
                xml.getBytes(StandardCharsets.UTF_8)), name)).isEqualTo(render(name));
    }

    @Test
    void a_long_running_service_starts_at_load_is_kept_alive_unless_it_exits_cleanly_and_logs_under_homefleet() {
        LaunchdJob job = render("clawdbot-gateway");

        assertThat(job.label()).isEqualTo("com.clawdbot.gateway");
        assertThat(job.programArguments()).containsExactly("/opt/homebrew/bin/node",
                HOME + "/.npm-global/lib/node_modules/clawdbot/dist/index.js", "gateway", "--port", "18789");
        assertThat(job.workingDirectory()).isEqualTo(HOME + "/clawd");
        assertThat(job.environmentVariables()).containsEntry("CLAWDBOT_TELEGRAM_ENABLED", "false");
        assertThat(job.runAtLoad()).isTrue();
        assertThat(job.keepAlive()).isEqualTo(KeepAlive.unlessSuccessfulExit());
        assertThat(job.throttleInterval()).isEqualTo(10);
        assertThat(job.standardOutPath()).isEqualTo(HOME + "/Library/Logs/homefleet/clawdbot-gateway.out.log");
        assertThat(job.standardErrorPath()).isEqualTo(HOME + "/Library/Logs/homefleet/clawdbot-gateway.err.log");
    }

    @Test
    void an_every_schedule_is_a_start_interval_and_a_scheduled_job_is_neither_run_at_load_nor_kept_alive() {
        LaunchdJob job = render("system-cleanup");

        assertThat(job.startInterval()).isEqualTo(900);
        assertThat(job.startCalendarInterval()).isEmpty();
        assertThat(job.runAtLoad()).isNull();
        assertThat(job.keepAlive()).isNull();
    }

    @Test
    void a_cron_schedule_is_a_start_calendar_interval() {
        assertThat(render("healer").startCalendarInterval()).hasSize(12).allMatch(e -> e.minute() == 0);
    }

    @Test
    void a_service_without_auto_start_runs_only_when_started() {
        LaunchdJob job = render("caffeinate");

        assertThat(job.runAtLoad()).isFalse();
        assertThat(job.keepAlive()).isNull();
    }

    @Test
    void a_system_daemon_logs_under_library_logs() {
        assertThat(render("ollama").standardOutPath()).isEqualTo("/Library/Logs/homefleet/ollama.out.log");
    }

    @Test
    void a_service_without_a_command_is_refused_naming_the_missing_key() {
        assertThatThrownBy(() -> render("clawdbot-node"))
                .hasMessage("machines.macmini.services.clawdbot-node.manager has no 'command': add the program and "
                        + "its arguments (command: [/path/to/program, arg]) so homefleet can write the plist's "
                        + "ProgramArguments");
    }

    @Test
    void a_service_of_another_manager_is_refused() {
        assertThatThrownBy(() -> render("aphos-server-prod"))
                .hasMessage("aphos-server-prod on macmini is managed by pm2, not launchd");
    }
}
