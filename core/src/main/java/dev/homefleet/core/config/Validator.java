package dev.homefleet.core.config;

import dev.homefleet.core.config.FailoverSpec.Action;
import dev.homefleet.core.config.ManagerSpec.Type;
import dev.homefleet.core.config.ReachSpec.Via;
import dev.homefleet.core.ports.Conflict;
import dev.homefleet.core.ports.PortEntry;
import dev.homefleet.core.ports.PortRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules a bound config must follow beyond its shape: references resolve, ports do not collide, secrets are
 * not inline, nothing listens beyond loopback without tokens. Reports every finding; never throws.
 */
final class Validator {

    private static final Pattern SOCKS = Pattern.compile("socks5h?://([^:/]+|\\[[0-9a-fA-F:]+]):(\\d{1,5})");
    private static final Pattern HOST_PORT = Pattern.compile("([^:/\\s]+|\\[[0-9a-fA-F:]+]):(\\d{1,5})");

    private final FleetConfig config;
    private final Problems problems;
    private final SourceIndex index;
    private final Map<String, String> environment;

    Validator(FleetConfig config, Problems problems, SourceIndex index, Map<String, String> environment) {
        this.config = config;
        this.problems = problems;
        this.index = index;
        this.environment = environment;
    }

    void validate() {
        if (config.version() != FleetConfig.CURRENT_VERSION) {
            error("version", "version " + config.version() + " is not supported; this homefleet reads version "
                    + FleetConfig.CURRENT_VERSION);
        }
        controller();
        config.machines().values().forEach(this::machine);
        ranges();
        ports();
        jobs();
        config.checkins().values().forEach(this::checkin);
        config.failover().values().forEach(this::failover);
        alerts();
    }

    private void controller() {
        ControllerSpec controller = config.controller();
        if (controller == null) {
            return;
        }
        MachineSpec machine = machineRef("controller.machine", controller.machine());
        port("controller.port", controller.port());
        if (controller.checkinPort() != null) {
            port("controller.checkin_port", controller.checkinPort());
            if (controller.checkinPort().equals(controller.port())) {
                error("controller.checkin_port", "is the controller's own port; leave it out, or give the port "
                        + "the cron scripts post to (clawd-status's 9010)");
            }
        }
        if (machine != null) {
            String bind = daemonBind("controller.bind", controller.bind(), machine);
            if (bind != null && !Binds.isLoopback(bind)) {
                TokensSpec tokens = controller.tokens();
                if (tokens == null || tokens.admin() == null) {
                    error("controller.bind", "the controller listens on " + bind + ", beyond loopback, with no "
                            + "tokens; add controller.tokens.admin (and viewer) as ${ENV} references, or bind to "
                            + "127.0.0.1");
                }
            }
        }
        if (controller.tokens() != null) {
            secretSet("controller.tokens.admin", controller.tokens().admin(), "the controller will refuse to start");
            secretSet("controller.tokens.viewer", controller.tokens().viewer(), "viewers cannot sign in");
        }
    }

    private void machine(MachineSpec machine) {
        String path = "machines." + machine.name();
        String controllerName = config.controller() == null ? null : config.controller().machine();
        if (machine.name().equals(controllerName) && machine.role() != MachineSpec.Role.CONTROLLER
                && index.written(path + ".role")) {
            error(path + ".role", machine.name() + " is controller.machine, so its role is controller; "
                    + "write role: controller or leave it out");
        }
        if (machine.role() == MachineSpec.Role.CONTROLLER && controllerName != null
                && config.machines().containsKey(controllerName) && !machine.name().equals(controllerName)) {
            error(path + ".role", "only controller.machine (" + controllerName + ") has role controller; "
                    + "use worker or client");
        }
        Addresses addresses = machine.addresses();
        for (String kind : List.of("lan", "tailscale")) {
            String address = kind.equals("lan") ? addresses.lan() : addresses.tailscale();
            if (address != null && !Binds.isAddressLiteral(address)) {
                error(path + ".addresses." + kind, "'" + address + "' is not an IP address; names go under mdns");
            }
        }
        ReachSpec reach = machine.reach();
        if (reach != null && reach.via() != null) {
            String controllerMachine = config.controller() == null ? null : config.controller().machine();
            if (reach.via() == Via.LOCAL && config.machines().containsKey(controllerMachine)
                    && !machine.name().equals(controllerMachine)) {
                error(path + ".reach.via", "only the controller's own machine (" + controllerMachine
                        + ") is reached locally; use ssh or agent for " + machine.name());
            }
            if (reach.via() == Via.SSH && reach.ssh() == null) {
                error(path + ".reach", "via: ssh needs an ssh: block with at least host:");
            }
            if (reach.via() == Via.AGENT && machine.agent() == null) {
                error(path + ".reach.via", "via: agent needs an agent: block on this machine");
            }
        }
        if (reach != null && reach.ssh() != null) {
            SshSpec ssh = reach.ssh();
            port(path + ".reach.ssh.port", ssh.port());
            positive(path + ".reach.ssh.connect_timeout", ssh.connectTimeout());
            positive(path + ".reach.ssh.command_timeout", ssh.commandTimeout());
            if (ssh.proxy() != null) {
                var matcher = SOCKS.matcher(ssh.proxy());
                if (!matcher.matches() || !validPort(matcher.group(2))) {
                    error(path + ".reach.ssh.proxy", "'" + ssh.proxy()
                            + "' is not a SOCKS5 proxy; write socks5://HOST:PORT, e.g. socks5://localhost:1055");
                }
            }
        }
        if (machine.agent() != null) {
            AgentSpec agent = machine.agent();
            port(path + ".agent.port", agent.port());
            String bind = daemonBind(path + ".agent.bind", agent.bind(), machine);
            if (bind != null && !Binds.isLoopback(bind) && agent.token() == null) {
                error(path + ".agent.bind", "the agent listens on " + bind + ", beyond loopback, with no token; "
                        + "add agent.token as a ${ENV} reference, or bind to 127.0.0.1");
            }
            secretSet(path + ".agent.token", agent.token(), "the controller cannot talk to this agent");
        }
        machine.services().values().forEach(service -> service(machine, service));
    }

    private void service(MachineSpec machine, ServiceSpec service) {
        String path = "machines." + machine.name() + ".services." + service.name();
        port(path + ".port", service.port());
        String address = bind(path + ".bind", service.bind(), machine);
        if (address != null && !address.equals(Binds.NONE) && !Binds.isWildcard(address) && !Binds.isLoopback(address)
                && !address.equals(machine.addresses().lan()) && !address.equals(machine.addresses().tailscale())) {
            warning(path + ".bind", address + " is not one of " + machine.name() + "'s addresses; add it under "
                    + "machines." + machine.name() + ".addresses if it is, so port conflicts are found");
        }
        if (machine.os() == MachineSpec.Os.IOS) {
            error(path, machine.name() + " runs iOS, where homefleet manages no services; remove it or move it");
        } else if (service.manager() != null && service.manager().type() != null) {
            Type type = service.manager().type();
            if (type == Type.LAUNCHD && machine.os() != null && machine.os() != MachineSpec.Os.MACOS
                    || type == Type.WINDOWS && machine.os() != null && machine.os() != MachineSpec.Os.WINDOWS) {
                error(path + ".manager.type", type.name().toLowerCase(java.util.Locale.ROOT) + " services run on "
                        + (type == Type.LAUNCHD ? "macOS" : "Windows") + ", but " + machine.name() + " runs "
                        + machine.os().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (service.project() != null) {
            ReservedRange range = config.ports().reserved().get(service.project());
            if (range == null) {
                error(path + ".project", "no port range is reserved for project '" + service.project() + "'"
                        + Suggest.hint(service.project(), config.ports().reserved().keySet()));
            } else if (service.port() != null && !range.range().contains(service.port())) {
                error(path + ".port", "port " + service.port() + " is outside " + range.range() + ", the range of "
                        + "project " + range.project() + "; pick a port inside it (fleet ports suggest "
                        + range.project() + ")");
            }
        }
        if (service.manager() != null) {
            manager(path + ".manager", service.manager());
        }
        if (service.check() != null) {
            check(path + ".check", service.check(), service);
        }
    }

    private void manager(String path, ManagerSpec m) {
        if (m.type() == null) {
            return;
        }
        Map<Type, Set<String>> allowed = Map.of(
                Type.LAUNCHD, Set.of("label", "plist", "domain", "command", "cwd", "env", "schedule"),
                Type.PM2, Set.of("name", "script", "args", "cwd", "interpreter", "env"),
                Type.WINDOWS, Set.of("name"),
                Type.PROCESS, Set.of("command", "cwd", "env"),
                Type.CRON, Set.of("schedule", "command"));
        Map<String, Boolean> present = new java.util.LinkedHashMap<>();
        present.put("label", m.label() != null);
        present.put("plist", m.plist() != null);
        present.put("domain", m.domain() != null);
        present.put("name", m.name() != null);
        present.put("script", m.script() != null);
        present.put("args", !m.args().isEmpty());
        present.put("cwd", m.cwd() != null);
        present.put("interpreter", m.interpreter() != null);
        present.put("env", !m.env().isEmpty());
        present.put("command", !m.command().isEmpty());
        present.put("schedule", m.schedule() != null);
        String type = m.type().name().toLowerCase(java.util.Locale.ROOT);
        present.forEach((key, isSet) -> {
            if (isSet && !allowed.get(m.type()).contains(key)) {
                error(path + "." + key, "'" + key + "' does not apply to a " + type + " service; it takes "
                        + String.join(", ", allowed.get(m.type()).stream().sorted().toList()));
            }
        });
        String required = switch (m.type()) {
            case LAUNCHD -> m.label() == null ? "label" : null;
            case PM2, WINDOWS -> m.name() == null ? "name" : null;
            case PROCESS -> m.command().isEmpty() ? "command" : null;
            case CRON -> m.schedule() == null ? "schedule" : null;
        };
        if (required != null && !index.written(path + "." + required)) { // a written but broken value was reported
            error(path, "a " + type + " service needs '" + required + "'");
        }
        m.env().forEach((key, value) -> inlineSecret(path + ".env." + key, key));
    }

    private void check(String path, CheckSpec check, ServiceSpec service) {
        int kinds = (check.http() != null ? 1 : 0) + (check.tcp() != null ? 1 : 0)
                + (check.command().isEmpty() ? 0 : 1) + (check.manager() ? 1 : 0);
        if (kinds != 1) {
            error(path, kinds == 0
                    ? "a check needs one of http, tcp, command or manager: true"
                    : "a check has exactly one of http, tcp, command or manager: true; split it or keep one");
        }
        if (check.http() != null) {
            url(path + ".http", check.http());
        }
        if (check.tcp() != null) {
            var matcher = HOST_PORT.matcher(check.tcp());
            if (!matcher.matches() || !validPort(matcher.group(2))) {
                error(path + ".tcp", "'" + check.tcp() + "' is not HOST:PORT, e.g. 127.0.0.1:22");
            }
        }
        if (check.http() == null && (check.expectStatus() != null || check.bodyContains() != null
                || check.jsonField() != null || check.jsonEquals() != null || check.maxResponseTime() != null)) {
            error(path, "expect_status, body_contains, json_field, json_equals and max_response_time apply to http checks only");
        }
        if ((check.jsonField() == null) != (check.jsonEquals() == null)) {
            error(path + (check.jsonField() == null ? ".json_equals" : ".json_field"),
                    "json_field and json_equals go together: name the field (status.state) and the value it must equal");
        }
        if (check.maxResponseTime() != null) {
            positive(path + ".max_response_time", check.maxResponseTime());
            if (check.maxResponseTime().compareTo(check.timeout()) > 0) {
                error(path + ".max_response_time", "is longer than the check's timeout (" + Durations.format(check.timeout())
                        + "); make it shorter, or raise timeout");
            }
        }
        if (check.expectStatus() != null && (check.expectStatus() < 100 || check.expectStatus() > 599)) {
            error(path + ".expect_status", check.expectStatus() + " is not an HTTP status; use 100 to 599");
        }
        if (check.manager() && service.manager() != null && service.manager().type() == Type.CRON) {
            error(path + ".manager", "a cron entry has no running state to check; use a check-in instead");
        }
        positive(path + ".timeout", check.timeout());
        atLeastOne(path + ".fall", check.fall());
        atLeastOne(path + ".rise", check.rise());
    }

    private void ranges() {
        for (ReservedRange range : config.ports().reserved().values()) {
            String path = "ports.reserved." + range.project();
            if (range.range() == null) {
                continue; // reported while binding
            }
            for (int i = 0; i < range.defaultPorts().size(); i++) {
                int port = range.defaultPorts().get(i);
                if (!range.range().contains(port)) {
                    error(path + ".default_ports[" + i + "]", "default port " + port + " is outside the range "
                            + range.range());
                }
            }
        }
    }

    private void ports() {
        if (config.controller() == null) {
            return;
        }
        for (Conflict conflict : PortRegistry.of(config).conflicts()) {
            switch (conflict.kind()) {
                case PORT_CLASH -> {
                    PortEntry first = conflict.entries().get(0);
                    PortEntry second = conflict.entries().get(1);
                    error(second.configPath(), conflict.message() + " (the other is " + first.configPath()
                            + " on line " + index.valueAt(first.configPath()).line() + "); give one of them "
                            + "another port or bind them to different addresses");
                }
                case FOREIGN_RANGE -> {
                    PortEntry entry = conflict.entries().get(0);
                    if (entry.project() != null && !config.ports().reserved().containsKey(entry.project())) {
                        continue; // the unknown project is the error worth reading
                    }
                    String project = conflict.ranges().get(0);
                    boolean own = entry.manager().equals("homefleet");
                    error(entry.configPath(), conflict.message() + (own
                            ? "; move it to a port outside reserved ranges"
                            : "; set project: " + project + " if it belongs there, or move it (fleet ports suggest PROJECT)"));
                }
                case RANGE_OVERLAP -> error("ports.reserved." + conflict.ranges().get(1) + ".range",
                        conflict.message() + " (line " + index.valueAt("ports.reserved." + conflict.ranges().get(0)
                                + ".range").line() + "); reserved ranges must not share ports");
            }
        }
    }

    private void jobs() {
        JobsSpec jobs = config.jobs();
        JobsSpec.Thresholds t = jobs.heartbeat().thresholds();
        percent("jobs.heartbeat.thresholds.swap_percent", t.swapPercent());
        percent("jobs.heartbeat.thresholds.memory_percent", t.memoryPercent());
        percent("jobs.heartbeat.thresholds.disk_percent", t.diskPercent());
        if (jobs.checks().concurrency() < 1) {
            error("jobs.checks.concurrency", "must be 1 or more (checks run at once)");
        }
        if (jobs.healer().maxRestartsPerRun() < 0) {
            error("jobs.healer.max_restarts_per_run", "must be 0 or more (0 only reports)");
        }
        if (jobs.healer().restartBudget() < 1) {
            error("jobs.healer.restart_budget", "must be 1 or more (restarts allowed within budget_window)");
        }
        positive("jobs.healer.budget_window", jobs.healer().budgetWindow());
        if (jobs.cleaner().simulatorLimit() < 0) {
            error("jobs.cleaner.simulator_limit", "must be 0 or more");
        }
        positive("jobs.cleaner.orphan_min_age", jobs.cleaner().orphanMinAge());
        for (int i = 0; i < jobs.cleaner().killOrphans().size(); i++) {
            String pattern = jobs.cleaner().killOrphans().get(i);
            try {
                java.util.regex.Pattern.compile(pattern);
            } catch (java.util.regex.PatternSyntaxException e) {
                error("jobs.cleaner.kill_orphans[" + i + "]", "'" + pattern + "' is not a regular expression: "
                        + e.getDescription() + " at index " + e.getIndex());
            }
        }
        for (int i = 0; i < jobs.cleaner().locks().size(); i++) {
            JobsSpec.Lock lock = jobs.cleaner().locks().get(i);
            String path = "jobs.cleaner.locks[" + i + "]";
            positive(path + ".ttl", lock.ttl());
            if (lock.machine() != null) {
                machineRef(path + ".machine", lock.machine());
            }
            if (lock.path() != null && lock.path().substring(0, Math.max(0, lock.path().lastIndexOf('/'))).matches(".*[*?\\[{].*")) {
                error(path + ".path", "'" + lock.path() + "' has a wildcard before its last '/'; only the file name may be a glob");
            }
        }
        ControllerSpec.Retention r = config.controller() == null ? null : config.controller().retention();
        if (r != null) {
            positive("controller.retention.events", r.events());
            positive("controller.retention.samples", r.samples());
            positive("controller.retention.job_runs", r.jobRuns());
            positive("controller.retention.reports", r.reports());
        }
        for (int i = 0; i < jobs.cleaner().watchPorts().size(); i++) {
            port("jobs.cleaner.watch_ports[" + i + "]", jobs.cleaner().watchPorts().get(i));
        }
    }

    private void checkin(CheckinSpec checkin) {
        String path = "checkins." + checkin.name();
        machineRef(path + ".machine", checkin.machine());
        positive(path + ".grace", checkin.grace());
    }

    private void failover(FailoverSpec failover) {
        String path = "failover." + failover.name();
        ServiceSpec primaryService = endpoint(path + ".primary", failover.primary());
        endpoint(path + ".standby", failover.standby());
        MachineSpec standby = failover.standby() == null ? null : config.machines().get(failover.standby().machine());
        if (failover.primary() != null && failover.standby() != null && failover.primary().machine() != null
                && failover.primary().machine().equals(failover.standby().machine())) {
            error(path + ".standby.machine", "the standby runs on the same machine as the primary ("
                    + failover.primary().machine() + "); a standby must be on another machine to survive it");
        }
        if (failover.check() != null) {
            url(path + ".check", failover.check());
        } else if (failover.primary() != null && failover.primary().service() != null && primaryService != null
                && config.failoverCheckUrl(failover).isEmpty()) {
            error(path, "no check URL, and none can be derived: the primary service needs a port and its machine "
                    + "an address; add check: URL");
        } else if (failover.primary() != null && failover.primary().service() == null) {
            error(path, "give the primary a service, or a check: URL to poll");
        }
        positive(path + ".interval", failover.interval());
        positive(path + ".timeout", failover.timeout());
        if (failover.timeout().compareTo(failover.interval()) >= 0) {
            error(path + ".timeout", "timeout " + Durations.format(failover.timeout())
                    + " must be shorter than interval " + Durations.format(failover.interval()));
        }
        atLeastOne(path + ".fall", failover.fall());
        atLeastOne(path + ".rise", failover.rise());
        actions(path + ".on_takeover", failover.onTakeover(), standby);
        actions(path + ".on_yield", failover.onYield(), standby);
    }

    private void actions(String path, List<Action> actions, MachineSpec standby) {
        for (int i = 0; i < actions.size(); i++) {
            Action action = actions.get(i);
            String at = path + "[" + i + "]";
            int kinds = (action.action() != null ? 1 : 0) + (action.setEnv().isEmpty() ? 0 : 1)
                    + (action.command().isEmpty() ? 0 : 1);
            if (kinds != 1) {
                error(at, "an action has exactly one of action (start, stop, restart), set_env or command");
            }
            if ((action.action() != null || !action.setEnv().isEmpty()) && action.service() == null) {
                error(at, "name the standby machine's service it applies to: service: NAME");
            }
            if (action.service() != null && standby != null && !standby.services().containsKey(action.service())) {
                error(at + ".service", "no service '" + action.service() + "' on " + standby.name()
                        + Suggest.hint(action.service(), standby.services().keySet()));
            }
            action.setEnv().forEach((key, value) -> inlineSecret(at + ".set_env." + key, key));
        }
    }

    private ServiceSpec endpoint(String path, FailoverSpec.Endpoint endpoint) {
        if (endpoint == null || endpoint.machine() == null) {
            return null;
        }
        MachineSpec machine = machineRef(path + ".machine", endpoint.machine());
        if (machine == null || endpoint.service() == null) {
            return null;
        }
        ServiceSpec service = machine.services().get(endpoint.service());
        if (service == null) {
            error(path + ".service", "no service '" + endpoint.service() + "' on " + machine.name()
                    + Suggest.hint(endpoint.service(), machine.services().keySet()));
        }
        return service;
    }

    private void alerts() {
        AlertsSpec.Telegram telegram = config.alerts().telegram();
        if (telegram == null) {
            return;
        }
        String path = "alerts.telegram";
        url(path + ".api_url", telegram.apiUrl());
        secretSet(path + ".bot_token", telegram.botToken(), "no Telegram alert can be sent");
        if (telegram.chatIds().isEmpty()) {
            warning(path, "chat_ids is empty, so alerts go nowhere; add the chat id your bot "
                    + "should write to (send the bot a message, then read message.chat.id from the Bot API's "
                    + "getUpdates)");
        }
        for (int i = 0; i < telegram.events().size(); i++) {
            eventType(path + ".events[" + i + "]", telegram.events().get(i));
        }
        for (int i = 0; i < telegram.muted().size(); i++) {
            serviceRef(path + ".muted[" + i + "]", telegram.muted().get(i));
        }
        positive(path + ".fold_window", telegram.foldWindow());
        positive(path + ".remind_every", telegram.remindEvery());
        if (telegram.burstWindow().compareTo(telegram.foldWindow()) > 0) {
            error(path + ".burst_window", "burst_window " + Durations.format(telegram.burstWindow())
                    + " is longer than fold_window " + Durations.format(telegram.foldWindow())
                    + "; a burst is gathered within seconds, so make it shorter (the default is 30s)");
        }
        ZoneId zone = zone(path + ".timezone", telegram.timezone(), ZoneId.systemDefault());
        for (int i = 0; i < telegram.maintenance().size(); i++) {
            maintenance(path + ".maintenance[" + i + "]", telegram.maintenance().get(i), zone);
        }
    }

    private void eventType(String path, String type) {
        String wanted = type.strip();
        if (wanted.endsWith(".*")) {
            String prefix = wanted.substring(0, wanted.length() - 1);
            List<String> prefixes = AlertsSpec.EVENT_TYPES.stream()
                    .map(t -> t.substring(0, t.indexOf('.') + 1) + "*").distinct().toList();
            if (AlertsSpec.EVENT_TYPES.stream().noneMatch(t -> t.startsWith(prefix))) {
                error(path, "no event type starts with '" + prefix + "'" + Suggest.hint(wanted, prefixes));
            }
        } else if (!AlertsSpec.EVENT_TYPES.contains(wanted)) {
            error(path, "'" + type + "' is not an event type" + Suggest.closest(wanted, AlertsSpec.EVENT_TYPES)
                    .map(c -> "; did you mean '" + c + "'?")
                    .orElse("; write one such as service.down, or a group such as service.*"));
        }
    }

    private void maintenance(String path, AlertsSpec.Maintenance window, ZoneId fallback) {
        ZoneId zone = zone(path + ".timezone", window.timezone(), fallback);
        if (window.recurring() || index.written(path + ".days")) { // days written but unreadable: reported
            if (window.until() != null) {
                error(path + ".until", "until is for one-off windows; a window with days repeats, so it ends at "
                        + "to (HH:MM)");
            }
            if (window.from() == null || window.to() == null && window.until() == null) {
                error(path, "a window with days needs from and to, times of day such as from: \"02:00\" and "
                        + "to: \"04:00\"");
            }
            LocalTime from = time(path + ".from", window.from());
            LocalTime to = time(path + ".to", window.to());
            if (from != null && from.equals(to)) {
                error(path + ".to", "from and to are both " + window.to() + ", so the window is empty; to before "
                        + "from runs past midnight");
            }
        } else {
            if (window.to() != null) {
                error(path + ".to", "to is for windows that repeat on days; a one-off window ends at until "
                        + "(a date and time), or add days: [...]");
            }
            if (window.from() == null || window.until() == null) {
                error(path, "a window needs days with from and to (it repeats), or from and until, dates and "
                        + "times (once)");
            }
            Instant from = dateTime(path + ".from", window.from(), zone);
            Instant until = dateTime(path + ".until", window.until(), zone);
            if (from != null && until != null && !until.isAfter(from)) {
                error(path + ".until", "until (" + window.until() + ") is not after from (" + window.from() + ")");
            }
        }
        for (int i = 0; i < window.machines().size(); i++) {
            machineRef(path + ".machines[" + i + "]", window.machines().get(i));
        }
        for (int i = 0; i < window.services().size(); i++) {
            serviceRef(path + ".services[" + i + "]", window.services().get(i));
        }
    }

    /** NAME (a service on any machine) or MACHINE/NAME. */
    private void serviceRef(String path, String ref) {
        int slash = ref.indexOf('/');
        if (slash >= 0) {
            MachineSpec machine = machineRef(path, ref.substring(0, slash));
            String name = ref.substring(slash + 1);
            if (machine != null && !machine.services().containsKey(name)) {
                error(path, "no service '" + name + "' on " + machine.name()
                        + Suggest.hint(name, machine.services().keySet()));
            }
            return;
        }
        Set<String> all = new TreeSet<>();
        config.machines().values().forEach(m -> all.addAll(m.services().keySet()));
        if (!all.contains(ref)) {
            error(path, "no service named '" + ref + "' on any machine" + Suggest.hint(ref, all));
        }
    }

    private ZoneId zone(String path, String text, ZoneId fallback) {
        try {
            return WindowTimes.zone(text, fallback);
        } catch (IllegalArgumentException e) {
            error(path, e.getMessage());
            return fallback;
        }
    }

    private LocalTime time(String path, String text) {
        if (text == null) {
            return null;
        }
        try {
            return WindowTimes.timeOfDay(text);
        } catch (IllegalArgumentException e) {
            error(path, e.getMessage());
            return null;
        }
    }

    private Instant dateTime(String path, String text, ZoneId zone) {
        if (text == null) {
            return null;
        }
        try {
            return WindowTimes.dateTime(text, zone);
        } catch (IllegalArgumentException e) {
            error(path, e.getMessage());
            return null;
        }
    }

    // --- shared rules ---

    private MachineSpec machineRef(String path, String name) {
        if (name == null) {
            return null;
        }
        MachineSpec machine = config.machines().get(name);
        if (machine == null) {
            error(path, "no machine named '" + name + "'" + Suggest.hint(name, config.machines().keySet()));
        }
        return machine;
    }

    private String bind(String path, String bind, MachineSpec machine) {
        var resolved = Binds.resolve(bind, machine.addresses());
        if (resolved.isEmpty()) {
            error(path, "'" + bind + "' names an address " + machine.name() + " does not have; add it under "
                    + "machines." + machine.name() + ".addresses or bind to an address");
            return null;
        }
        String address = resolved.get();
        if (!address.equals(Binds.NONE) && !Binds.isAddressLiteral(address)) {
            error(path, "'" + bind + "' is not an address; use an IP address or one of "
                    + String.join(", ", Binds.WORDS));
            return null;
        }
        return address;
    }

    /** homefleet's own daemons listen on a real address; "none" is only for services that do not listen. */
    private String daemonBind(String path, String bind, MachineSpec machine) {
        String address = bind(path, bind, machine);
        if (Binds.NONE.equals(address)) {
            error(path, "homefleet's daemons must listen somewhere; use loopback, lan, tailscale or an address");
            return null;
        }
        return address;
    }

    private void port(String path, Integer port) {
        if (port != null && (port < 1 || port > 65535)) {
            error(path, port + " is not a port; use a number from 1 to 65535");
        }
    }

    private static boolean validPort(String digits) {
        return digits.length() <= 5 && Integer.parseInt(digits) >= 1 && Integer.parseInt(digits) <= 65535;
    }

    private void percent(String path, Integer value) {
        if (value < 1 || value > 100) {
            error(path, value + " is not a percentage; use 1 to 100");
        }
    }

    private void positive(String path, Duration duration) {
        if (duration != null && (duration.isZero() || duration.isNegative())) {
            error(path, "must be longer than 0s");
        }
    }

    private void atLeastOne(String path, Integer count) {
        if (count != null && count < 1) {
            error(path, "must be 1 or more (it counts checks in a row)");
        }
    }

    private void url(String path, String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                error(path, "'" + text + "' is not an http(s) URL; write e.g. http://127.0.0.1:9010/health");
            }
        } catch (URISyntaxException e) {
            error(path, "'" + text + "' is not an http(s) URL; write e.g. http://127.0.0.1:9010/health");
        }
    }

    private void inlineSecret(String path, String key) {
        String raw = index.rawAt(path);
        if (raw != null && Secrets.looksSecret(key) && !raw.strip().matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*}")) {
            error(path, key + " looks like a secret written inline; put it in an environment variable and write ${"
                    + key.toUpperCase(java.util.Locale.ROOT) + "}");
        }
    }

    private void secretSet(String path, Secret secret, String consequence) {
        if (secret != null && secret.source() == Secret.Source.ENV
                && environment.getOrDefault(secret.reference(), "").isEmpty()) {
            warning(path, secret + " is not set in this environment; " + consequence + " until it is");
        }
    }

    private void error(String path, String message) {
        problems.error(index.valueAt(path), path, message);
    }

    private void warning(String path, String message) {
        problems.warning(index.valueAt(path), path, message);
    }

}
