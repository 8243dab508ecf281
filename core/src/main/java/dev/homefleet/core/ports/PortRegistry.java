package dev.homefleet.core.ports;

import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReservedRange;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.config.ServiceSpec.Protocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The fleet's port plan: every declared listener (services, the controller, the agents), the reserved ranges
 * with what each uses, and the conflicts between them. Built from a config; holds no other state.
 */
public final class PortRegistry {

    private static final Comparator<PortEntry> ORDER = Comparator.comparingInt(PortEntry::port)
            .thenComparing(PortEntry::machine).thenComparing(PortEntry::service);

    private final List<PortEntry> entries;
    private final Map<String, ReservedRange> ranges;
    private final List<Conflict> conflicts;

    private PortRegistry(List<PortEntry> entries, Map<String, ReservedRange> ranges) {
        this.entries = entries;
        this.ranges = ranges;
        this.conflicts = findConflicts(entries, ranges);
    }

    public static PortRegistry of(FleetConfig config) {
        List<PortEntry> declared = new ArrayList<>();
        String controllerName = config.controller().machine();
        MachineSpec controllerMachine = controllerName == null ? null : config.machines().get(controllerName);
        if (controllerMachine != null) {
            declared.add(new PortEntry(config.controller().port(), controllerMachine.name(), PortEntry.CONTROLLER,
                    resolve(config.controller().bind(), controllerMachine), Protocol.TCP, "homefleet", null));
            if (config.controller().checkinPort() != null) {
                declared.add(new PortEntry(config.controller().checkinPort(), controllerMachine.name(),
                        PortEntry.CONTROLLER_CHECKINS, Binds.LOOPBACK, Protocol.TCP, "homefleet", null));
            }
        }
        for (MachineSpec machine : config.machines().values()) {
            if (machine.agent() != null) {
                declared.add(new PortEntry(machine.agent().port(), machine.name(), PortEntry.AGENT,
                        resolve(machine.agent().bind(), machine), Protocol.TCP, "homefleet", null));
            }
            for (ServiceSpec service : machine.services().values()) {
                if (service.port() != null && service.bind() != null) {
                    declared.add(new PortEntry(service.port(), machine.name(), service.name(),
                            resolve(service.bind(), machine), service.protocol(),
                            managerName(service), service.project()));
                }
            }
        }
        Map<String, ReservedRange> ranges = new java.util.LinkedHashMap<>();
        config.ports().reserved().forEach((project, range) -> {
            if (range.range() != null) { // a range that did not parse was reported already
                ranges.put(project, range);
            }
        });
        return new PortRegistry(List.copyOf(declared), ranges);
    }

    private static String managerName(ServiceSpec service) {
        return service.manager() == null || service.manager().type() == null
                ? "unknown" : service.manager().type().name().toLowerCase(Locale.ROOT);
    }

    private static String resolve(String bind, MachineSpec machine) {
        return Binds.resolve(bind, machine.addresses()).orElse(bind);
    }

    /** Every listener, by port, then machine. */
    public List<PortEntry> entries() {
        return entries.stream().sorted(ORDER).toList();
    }

    public List<PortEntry> entries(String machine) {
        return entries.stream().filter(e -> e.machine().equals(machine)).sorted(ORDER).toList();
    }

    /** The reserved ranges in port order, with their use on one machine or (empty) across the fleet. */
    public List<RangeUsage> ranges(Optional<String> machine) {
        List<RangeUsage> out = new ArrayList<>();
        for (ReservedRange range : ranges.values()) {
            List<PortEntry> used = entries.stream()
                    .filter(e -> range.range().contains(e.port()))
                    .filter(e -> machine.isEmpty() || e.machine().equals(machine.get()))
                    .sorted(ORDER)
                    .toList();
            long distinct = used.stream().mapToInt(PortEntry::port).distinct().count();
            out.add(new RangeUsage(range.project(), range.range().from(), range.range().to(), range.description(),
                    range.defaultPorts(), used, range.range().size() - (int) distinct));
        }
        out.sort(Comparator.comparingInt(RangeUsage::from));
        return out;
    }

    public List<Conflict> conflicts() {
        return conflicts;
    }

    public Set<String> projects() {
        return ranges.keySet();
    }

    /**
     * The lowest port of {@code project}'s range that no declared listener uses on {@code machine} (or, without a
     * machine, on any machine).
     *
     * @return empty when the range is full
     * @throws IllegalArgumentException when no range is reserved for that project
     */
    public OptionalInt suggest(String project, Optional<String> machine) {
        ReservedRange range = ranges.get(project);
        if (range == null) {
            throw new IllegalArgumentException("no port range is reserved for project '" + project + "'"
                    + dev.homefleet.core.config.Suggest.hint(project, ranges.keySet()));
        }
        Set<Integer> taken = entries.stream()
                .filter(e -> machine.isEmpty() || e.machine().equals(machine.get()))
                .map(PortEntry::port)
                .collect(Collectors.toCollection(TreeSet::new));
        for (int port = range.range().from(); port <= range.range().to(); port++) {
            if (!taken.contains(port)) {
                return OptionalInt.of(port);
            }
        }
        return OptionalInt.empty();
    }

    private static List<Conflict> findConflicts(List<PortEntry> entries, Map<String, ReservedRange> ranges) {
        List<Conflict> found = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            for (int j = i + 1; j < entries.size(); j++) {
                PortEntry a = entries.get(i);
                PortEntry b = entries.get(j);
                if (a.port() == b.port() && a.machine().equals(b.machine()) && a.protocol() == b.protocol()
                        && Binds.overlap(a.bind(), b.bind())) {
                    found.add(new Conflict(Conflict.Kind.PORT_CLASH, "port " + a.port() + " on " + a.machine()
                            + " is taken twice: " + a.service() + " (" + a.bind() + ") and " + b.service() + " ("
                            + b.bind() + ") listen on overlapping addresses", List.of(a, b), List.of()));
                }
            }
        }
        for (PortEntry entry : entries) {
            for (ReservedRange range : ranges.values()) {
                if (range.range().contains(entry.port()) && !range.project().equals(entry.project())) {
                    found.add(new Conflict(Conflict.Kind.FOREIGN_RANGE, "port " + entry.port() + " of "
                            + entry.service() + " on " + entry.machine() + " is inside " + range.range()
                            + ", reserved for " + range.project(), List.of(entry), List.of(range.project())));
                }
            }
        }
        List<ReservedRange> all = List.copyOf(ranges.values());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                ReservedRange a = all.get(i);
                ReservedRange b = all.get(j);
                if (a.range().overlaps(b.range())) {
                    found.add(new Conflict(Conflict.Kind.RANGE_OVERLAP, "range " + b.range() + " of " + b.project()
                            + " overlaps " + a.range() + " of " + a.project(), List.of(),
                            List.of(a.project(), b.project())));
                }
            }
        }
        return List.copyOf(found);
    }
}
