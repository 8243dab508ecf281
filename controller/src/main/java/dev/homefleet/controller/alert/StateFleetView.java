package dev.homefleet.controller.alert;

import dev.homefleet.controller.heal.Healer;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.FleetState.CheckinStatus;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.Health;
import dev.homefleet.core.alert.bot.FleetView;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FailoverSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.ports.PortEntry;
import dev.homefleet.core.ports.PortRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The bot's view of the fleet on the controller: the current {@link FleetState} snapshot and fleet.yaml, in lines
 * short enough for a phone. {@code /restart} goes through the same restarter as the healer.
 */
public final class StateFleetView implements FleetView {

    private final Supplier<FleetState> state;
    private final Supplier<FleetConfig> config;
    private final Healer.Restarter restarter;
    private final Clock clock;

    public StateFleetView(Supplier<FleetState> state, Supplier<FleetConfig> config, Healer.Restarter restarter,
            Clock clock) {
        this.state = state;
        this.config = config;
        this.restarter = restarter;
        this.clock = clock;
    }

    @Override
    public String status() {
        FleetState now = state.get();
        FleetConfig fleet = config.get();
        Instant at = clock.instant();
        List<String> lines = new ArrayList<>();
        int width = fleet.machines().keySet().stream().mapToInt(String::length).max().orElse(0);
        List<String> down = new ArrayList<>();
        for (MachineSpec machine : fleet.machines().values()) {
            MachineStatus status = now.machines().get(machine.name());
            if (machine.services().isEmpty() && status == null) {
                continue; // a client such as a phone: nothing to watch
            }
            Health health = status == null ? Health.UNKNOWN : status.health();
            String line = pad(machine.name(), width) + "  " + word(health);
            if (health == Health.DOWN && status.since() != null) {
                line += " since " + ago(status.since(), at);
            }
            int servicesDown = 0;
            for (String service : machine.services().keySet()) {
                ServiceStatus s = status == null ? null : status.services().get(service);
                if (s != null && (s.health() == Health.DOWN || s.health() == Health.GAVE_UP)) {
                    servicesDown++;
                    down.add(machine.name() + "/" + service + " " + word(s.health()) + " since " + ago(s.since(), at));
                }
            }
            line += " · " + (machine.services().size() - servicesDown) + "/" + machine.services().size()
                    + " services up";
            lines.add(line);
        }
        if (!down.isEmpty()) {
            lines.add("");
            lines.add("Down:");
            down.forEach(d -> lines.add("  " + d));
        }
        List<String> checkins = new ArrayList<>();
        for (CheckinStatus checkin : now.checkins().values()) {
            if (checkin.state().equals("late") || checkin.state().equals("down")) {
                checkins.add("  " + checkin.name() + " " + checkin.state() + " since " + ago(checkin.since(), at));
            }
        }
        if (!checkins.isEmpty()) {
            lines.add("");
            lines.add("Check-ins:");
            lines.addAll(checkins);
        }
        if (!now.conflicts().isEmpty()) {
            lines.add("");
            lines.add(now.conflicts().size() + " port conflict(s): /ports");
        }
        if (now.config() != null && !now.config().matchesDisk()) {
            lines.add("");
            lines.add("fleet.yaml: an edit was rejected (" + now.config().rejected().size()
                    + " problem(s)); the last good one runs");
        }
        return String.join("\n", lines);
    }

    @Override
    public String services(String machineName) {
        FleetState now = state.get();
        Instant at = clock.instant();
        List<String> lines = new ArrayList<>();
        for (MachineSpec machine : machines(machineName)) {
            if (machine.services().isEmpty()) {
                continue;
            }
            lines.add(machine.name());
            MachineStatus status = now.machines().get(machine.name());
            int width = machine.services().keySet().stream().mapToInt(String::length).max().orElse(0);
            for (String service : machine.services().keySet()) {
                ServiceStatus s = status == null ? null : status.services().get(service);
                Health health = s == null ? Health.UNKNOWN : s.health();
                String line = "  " + pad(service, width) + "  " + pad(word(health), 7);
                if (s != null && s.since() != null) {
                    line += " " + ago(s.since(), at);
                }
                if (s != null && health != Health.UP && s.detail() != null) {
                    line += "  " + s.detail();
                }
                lines.add(line);
            }
        }
        return lines.isEmpty() ? "no services declared" : String.join("\n", lines);
    }

    @Override
    public String ports(String machineName) {
        PortRegistry registry = PortRegistry.of(config.get());
        List<String> lines = new ArrayList<>();
        for (MachineSpec machine : machines(machineName)) {
            List<PortEntry> entries = registry.entries(machine.name());
            if (entries.isEmpty()) {
                continue;
            }
            lines.add(machine.name());
            for (PortEntry entry : entries) {
                lines.add(String.format(Locale.ROOT, "  %5d  %s (%s)", entry.port(), entry.service(), entry.bind()));
            }
        }
        List<String> conflicts = state.get().conflicts();
        if (!conflicts.isEmpty()) {
            lines.add("");
            lines.add("Conflicts:");
            conflicts.forEach(c -> lines.add("  " + c));
        }
        return lines.isEmpty() ? "no ports declared" : String.join("\n", lines);
    }

    @Override
    public String failover() {
        FleetConfig fleet = config.get();
        if (fleet.failover().isEmpty()) {
            return "no failover pairs in fleet.yaml";
        }
        List<String> lines = new ArrayList<>();
        for (FailoverSpec pair : fleet.failover().values()) {
            lines.add(pair.name() + ": " + endpoint(pair.primary()) + " -> standby " + endpoint(pair.standby()));
            lines.add("  the standby takes over after " + pair.fall() + " failed checks every "
                    + Durations.format(pair.interval()) + ", yields after " + pair.rise()
                    + " good ones");
        }
        return String.join("\n", lines);
    }

    @Override
    public List<String> serviceKeys() {
        List<String> keys = new ArrayList<>();
        config.get().machines().values()
                .forEach(m -> m.services().keySet().forEach(s -> keys.add(m.name() + "/" + s)));
        return keys;
    }

    @Override
    public String restart(String machine, String service) throws Exception {
        restarter.restart(machine, service);
        return "restarted; the next check says whether it stays up";
    }

    private String endpoint(FailoverSpec.Endpoint endpoint) {
        String target = endpoint.machine() + (endpoint.service() == null ? "" : "/" + endpoint.service());
        MachineStatus machine = state.get().machines().get(endpoint.machine());
        Health health = machine == null ? Health.UNKNOWN : endpoint.service() == null ? machine.health()
                : machine.services().containsKey(endpoint.service())
                        ? machine.services().get(endpoint.service()).health() : Health.UNKNOWN;
        return target + " (" + word(health) + ")";
    }

    private List<MachineSpec> machines(String name) {
        FleetConfig fleet = config.get();
        if (name == null) {
            return List.copyOf(fleet.machines().values());
        }
        MachineSpec machine = fleet.machines().get(name);
        if (machine == null) {
            throw new IllegalArgumentException("no machine '" + name + "'; the machines are "
                    + String.join(", ", fleet.machines().keySet()));
        }
        return List.of(machine);
    }

    private static String word(Health health) {
        return health == Health.GAVE_UP ? "gave-up" : health.name().toLowerCase(Locale.ROOT);
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }

    /** "5m", "2h 10m", "3d". */
    static String ago(Instant since, Instant now) {
        if (since == null) {
            return "?";
        }
        long s = Math.max(0, Duration.between(since, now).toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86_400) {
            return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + "m");
        }
        return s / 86_400 + "d";
    }
}
