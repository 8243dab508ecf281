package dev.homefleet.controller.reload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.controller.reload.ConfigDiff.Change;
import dev.homefleet.controller.reload.ConfigDiff.Kind;
import dev.homefleet.controller.reload.ConfigDiff.PortChange;
import dev.homefleet.controller.reload.ConfigDiff.ServiceKey;
import dev.homefleet.core.config.FleetConfig;
import org.junit.jupiter.api.Test;

/** Edits of the shipped fleet.yaml, as a person would make them, and what the running controller is told. */
class ConfigDiffTest {

    private final String shipped = Fleets.shipped();
    private final FleetConfig base = Fleets.load(shipped);

    private ConfigDiff after(String... fromTo) {
        return ConfigDiff.between(base, Fleets.load(Fleets.edit(shipped, fromTo)));
    }

    @Test
    void the_same_file_loaded_twice_has_no_changes() {
        ConfigDiff diff = ConfigDiff.between(base, Fleets.load(shipped));
        assertThat(diff.isEmpty()).isTrue();
        assertThat(diff.describe()).isEmpty();
        assertThat(diff).hasToString("no changes");
    }

    @Test
    void comments_and_key_order_are_not_changes() {
        ConfigDiff diff = after("""
                    schedule: "@every 60m"
                    # Crabwalk's heartbeat modal keeps reading this file.
                    write_json: ~/clawd/Crabwalk/public/heartbeat-data.json
                """, """
                    write_json: ~/clawd/Crabwalk/public/heartbeat-data.json
                    schedule: "@every 60m"
                """);
        assertThat(diff.isEmpty()).isTrue();
    }

    @Test
    void a_changed_port_is_a_moved_port_and_its_check_a_changed_check() {
        ConfigDiff diff = after("port: 2568", "port: 2569", "tcp: 127.0.0.1:2568", "tcp: 127.0.0.1:2569");
        assertThat(diff.describe()).containsExactly(
                "changed port machines.macmini.services.aphos-server-dev: port 2568 -> 2569",
                "changed check machines.macmini.services.aphos-server-dev.check: "
                        + "check tcp 127.0.0.1:2568 -> tcp 127.0.0.1:2569");
        assertThat(diff.movedPorts()).containsExactly(new PortChange("macmini", "aphos-server-dev", 2568, 2569));
        assertThat(diff.changedChecks()).containsExactly(new ServiceKey("macmini", "aphos-server-dev"));
        assertThat(diff.changedServices()).containsExactly(new ServiceKey("macmini", "aphos-server-dev"));
        assertThat(diff.changedSchedules()).isEmpty();
        assertThat(diff.controllerChanged()).isFalse();
    }

    @Test
    void a_port_given_to_a_service_that_had_none_is_a_moved_port_from_none() {
        ConfigDiff diff = after("""
                          label: com.clawdbot.node
                          plist: ~/Library/LaunchAgents/com.clawdbot.node.plist
                """, """
                          label: com.clawdbot.node
                          plist: ~/Library/LaunchAgents/com.clawdbot.node.plist
                        port: 18790
                """);
        assertThat(diff.movedPorts()).containsExactly(
                new PortChange("macmini", "clawdbot-node", PortChange.NONE, 18790));
        assertThat(diff.describe()).contains("changed port machines.macmini.services.clawdbot-node: port none -> 18790");
    }

    @Test
    void a_check_timeout_names_the_field_and_both_values() {
        ConfigDiff diff = after("http://127.0.0.1:11434/api/tags\n          timeout: 5s",
                "http://127.0.0.1:11434/api/tags\n          timeout: 10s");
        assertThat(diff.changes()).containsExactly(new Change(Kind.CHANGED, "check",
                "machines.macbook.services.ollama.check", "check timeout 5s -> 10s"));
        assertThat(diff.changedChecks()).containsExactly(new ServiceKey("macbook", "ollama"));
    }

    @Test
    void a_changed_job_schedule_or_a_disabled_job_is_to_be_rescheduled() {
        ConfigDiff diff = after("  healer:\n    schedule: \"0 */2 * * *\"", "  healer:\n    schedule: \"0 * * * *\"",
                "  cleaner:\n", "  cleaner:\n    enabled: false\n");
        assertThat(diff.describe()).containsExactly(
                "changed schedule jobs.healer: schedule '0 */2 * * *' -> '0 * * * *'",
                "changed schedule jobs.cleaner: enabled true -> false");
        assertThat(diff.changedSchedules()).containsExactly("healer", "cleaner");
        assertThat(diff.changedJobs()).containsExactly("healer", "cleaner");
    }

    @Test
    void a_job_setting_other_than_its_schedule_is_not_a_reschedule() {
        ConfigDiff diff = after("restart_budget: 3", "restart_budget: 5", "swap_percent: 50", "swap_percent: 60");
        assertThat(diff.describe()).containsExactly(
                "changed job jobs.heartbeat: thresholds.swap_percent 50 -> 60",
                "changed job jobs.healer: restart_budget 3 -> 5");
        assertThat(diff.changedSchedules()).isEmpty();
    }

    @Test
    void checkins_added_removed_or_rescheduled_are_listed_by_name() {
        ConfigDiff diff = after("schedule: \"*/15 * * * *\"", "schedule: \"*/10 * * * *\"",
                """
                  crash-monitor:
                    machine: macbook
                    schedule: "* * * * *"
                    command: ~/.clawdbot/scripts/crash-monitor.sh
                    log: ~/.clawdbot/logs/crash-monitor.log
                    grace: 3m
                """, """
                  backup:
                    machine: macmini
                    schedule: "0 3 * * *"
                """);
        assertThat(diff.describe()).containsExactly(
                "changed schedule checkins.git-auto-sync: schedule '*/15 * * * *' -> '*/10 * * * *'",
                "removed checkin checkins.crash-monitor: was schedule '* * * * *' on macbook, grace 3m",
                "added checkin checkins.backup: schedule '0 3 * * *' on macmini, grace 5m");
        assertThat(diff.changedSchedules()).containsExactly("git-auto-sync", "crash-monitor", "backup");
        assertThat(diff.changedCheckins()).containsExactly("git-auto-sync", "crash-monitor", "backup");
        assertThat(diff.changedJobs()).isEmpty();
    }

    @Test
    void a_checkin_grace_change_is_a_checkin_change_the_monitor_rereads() {
        ConfigDiff diff = after("log: /tmp/lume_updater.log\n    grace: 30m", "log: /tmp/lume_updater.log\n    grace: 1h");
        assertThat(diff.describe()).containsExactly("changed checkin checkins.lume-update: grace 30m -> 1h");
        assertThat(diff.changedSchedules()).containsExactly("lume-update");
    }

    @Test
    void services_and_machines_added_and_removed_are_listed_with_what_they_were() {
        ConfigDiff diff = after("""
                      caffeinate:
                """, """
                      aphos-server-staging:
                        manager:
                          type: pm2
                          name: aphos-server-staging
                          script: dist/index.js
                        port: 2569
                        project: aphos-game
                      caffeinate:
                """, """
                      tailscale:
                        description: Tailscale mesh VPN
                        auto_start: true
                        manager:
                          type: windows
                          name: Tailscale
                        check:
                          manager: true
                """, "", """
                  iphone:
                    description: iPhone, opens the dashboard and receives alerts over Tailscale
                    os: ios
                    role: client
                    addresses:
                      tailscale: 100.89.50.26
                    reach:
                      via: none
                """, "");
        assertThat(diff.describe()).containsExactly(
                "added service machines.macmini.services.aphos-server-staging: pm2 aphos-server-staging, port 2569",
                "removed service machines.msi.services.tailscale: was windows Tailscale",
                "removed machine machines.iphone: was ios client, reached none, 0 services");
        assertThat(diff.addedServices()).containsExactly(new ServiceKey("macmini", "aphos-server-staging"));
        assertThat(diff.removedServices()).containsExactly(new ServiceKey("msi", "tailscale"));
        assertThat(diff.removedMachines()).containsExactly("iphone");
        assertThat(diff.movedPorts()).isEmpty();
    }

    @Test
    void a_removed_machine_takes_its_services_with_it() {
        FleetConfig withoutMsi = Fleets.load(Fleets.edit(shipped, "  msi:\n", "  msi-old:\n"));
        ConfigDiff diff = ConfigDiff.between(base, withoutMsi);
        assertThat(diff.removedMachines()).containsExactly("msi");
        assertThat(diff.addedMachines()).containsExactly("msi-old");
        assertThat(diff.removedServices()).extracting(ServiceKey::toString)
                .containsExactly("msi/clawdbot-bot", "msi/tailscale", "msi/openssh-server");
        assertThat(diff.addedServices()).hasSize(3);
        assertThat(diff.describe()).contains("added machine machines.msi-old: windows worker, reached ssh, 3 services");
    }

    @Test
    void a_new_manager_type_bind_or_environment_says_what_changed_without_values_from_env() {
        ConfigDiff diff = after("""
                        manager:
                          type: cron
                          schedule: "@every 60m"
                """, """
                        manager:
                          type: launchd
                          label: com.clawdbot.heartbeat
                          plist: ~/Library/LaunchAgents/com.clawdbot.heartbeat.plist
                """, "port: 9009\n        bind: loopback", "port: 9009\n        bind: all",
                "NODE_ENV: production", "NODE_ENV: staging-s3cret\n            APHOS_API_KEY: ${APHOS_API_KEY}");
        assertThat(diff.describe()).containsExactly(
                "changed service machines.macbook.services.crabwalk: bind loopback -> all",
                "changed service machines.macbook.services.heartbeat-bot: manager cron -> launchd com.clawdbot.heartbeat",
                "changed service machines.macmini.services.aphos-server-prod: "
                        + "manager.env: NODE_ENV changed, APHOS_API_KEY added");
        assertThat(String.join("\n", diff.describe())).doesNotContain("s3cret", "hunter2");
        assertThat(diff.changedChecks()).isEmpty();
    }

    @Test
    void controller_bind_port_or_tokens_need_a_restart_and_say_so() {
        ConfigDiff diff = after("  port: 8420", "  port: 8421", "admin: ${HOMEFLEET_ADMIN_TOKEN}",
                "admin: ${HOMEFLEET_ADMIN_TOKEN_2}");
        assertThat(diff.controllerChanged()).isTrue();
        assertThat(diff.describe()).containsExactly("changed controller controller: port 8420 -> 8421; "
                + "tokens.admin ${HOMEFLEET_ADMIN_TOKEN} -> ${HOMEFLEET_ADMIN_TOKEN_2}; "
                + "needs a restart of fleet controller");
    }

    @Test
    void controller_retention_applies_without_a_restart() {
        ConfigDiff diff = after("events: 30d", "events: 14d");
        assertThat(diff.controllerChanged()).isFalse();
        assertThat(diff.describe()).containsExactly(
                "changed controller controller.retention: retention events 30d -> 14d");
    }

    @Test
    void machine_settings_failover_reserved_ranges_and_alerts_are_listed_field_by_field() {
        ConfigDiff diff = after("connect_timeout: 10s", "connect_timeout: 20s",
                "range: 2567-2599", "range: 2567-2610",
                "    fall: 3\n    rise: 5", "    fall: 4\n    rise: 5",
                "chat_ids: []", "chat_ids: [12345]");
        assertThat(diff.describe()).containsExactly(
                "changed machine machines.macmini: reach.ssh.connect_timeout 10s -> 20s",
                "changed reserved-range ports.reserved.aphos-game: range 2567-2599 -> 2567-2610",
                "changed failover failover.gateway: fall 3 -> 4",
                "changed alerts alerts.telegram: chat_ids [] -> [12345]");
        assertThat(diff.changedMachines()).containsExactly("macmini");
        assertThat(diff.changes("failover")).hasSize(1);
    }

    @Test
    void a_long_description_is_named_not_printed() {
        ConfigDiff diff = after("description: Aphos MMORPG game server, production",
                "description: Aphos MMORPG game server, production, the one players on the public realm connect to");
        assertThat(diff.describe()).containsExactly(
                "changed service machines.macmini.services.aphos-server-prod: description changed");
    }
}
