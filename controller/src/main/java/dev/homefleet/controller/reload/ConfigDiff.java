package dev.homefleet.controller.reload;

import dev.homefleet.core.config.AlertsSpec;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.CheckinSpec;
import dev.homefleet.core.config.FailoverSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.JobsSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ReservedRange;
import dev.homefleet.core.config.ServiceSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What an edit of fleet.yaml changes, item by item, so a running controller applies just that instead of
 * restarting: it reschedules the jobs in {@link #changedSchedules()}, replaces the probes of
 * {@link #changedChecks()}, moves the ports of {@link #movedPorts()} through {@code fleet apply}, and lists
 * {@link #describe()} in the config.applied event. Settings the controller only reads at start
 * ({@link #controllerChanged()}) are listed too, with a note that they need a restart.
 *
 * <p>Records are compared with {@code equals}; the summaries name fields by their fleet.yaml keys and never show a
 * value that could be a secret (see {@link FieldDiff}).
 */
public final class ConfigDiff {

    public enum Kind { ADDED, REMOVED, CHANGED }

    /**
     * One difference.
     *
     * @param what    machine, service, port, check, schedule, job, checkin, failover, alerts, controller,
     *                reserved-range or fleet (the file's name and version)
     * @param path    where it is in fleet.yaml, e.g. {@code machines.macmini.services.aphos-server-dev}
     * @param summary what changed, e.g. {@code port 2568 -> 2569}
     */
    public record Change(Kind kind, String what, String path, String summary) {
        /** {@code changed port machines.macmini.services.aphos-server-dev: port 2568 -> 2569}. */
        public String describe() {
            return kind.name().toLowerCase(Locale.ROOT) + " " + what + " " + path + ": " + summary;
        }
    }

    /** A service by machine and name; prints as {@code macmini/aphos-server-dev}. */
    public record ServiceKey(String machine, String service) {
        @Override
        public String toString() {
            return machine + "/" + service;
        }
    }

    /**
     * A service whose declared port changed; {@link #NONE} when it had (or now has) no port.
     */
    public record PortChange(String machine, String service, int oldPort, int newPort) {
        public static final int NONE = -1;

        public ServiceKey key() {
            return new ServiceKey(machine, service);
        }
    }

    static final String NEEDS_RESTART = "needs a restart of fleet controller";
    private static final String SEPARATOR = "; ";
    private static final Map<String, Function<JobsSpec, Record>> JOBS = jobs();

    private final List<Change> changes = new ArrayList<>();
    private final List<PortChange> movedPorts = new ArrayList<>();
    private final Set<String> changedJobs = new LinkedHashSet<>();
    private final Set<String> changedCheckins = new LinkedHashSet<>();
    private final Set<String> addedMachines = new LinkedHashSet<>();
    private final Set<String> removedMachines = new LinkedHashSet<>();
    private final Set<String> changedMachines = new LinkedHashSet<>();
    private final Set<ServiceKey> addedServices = new LinkedHashSet<>();
    private final Set<ServiceKey> removedServices = new LinkedHashSet<>();
    private final Set<ServiceKey> changedServices = new LinkedHashSet<>();
    private final Set<ServiceKey> changedChecks = new LinkedHashSet<>();
    private boolean controllerChanged;

    private ConfigDiff() {}

    /** The changes that turn {@code before} into {@code after}, in fleet.yaml's order. */
    public static ConfigDiff between(FleetConfig before, FleetConfig after) {
        ConfigDiff diff = new ConfigDiff();
        diff.fleet(before, after);
        diff.controller(before, after);
        diff.machines(before.machines(), after.machines());
        diff.reservedRanges(before.ports().reserved(), after.ports().reserved());
        diff.jobs(before.jobs(), after.jobs());
        diff.checkins(before.checkins(), after.checkins());
        diff.failovers(before.failover(), after.failover());
        diff.alerts(before.alerts().telegram(), after.alerts().telegram());
        return diff;
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    public List<Change> changes() {
        return Collections.unmodifiableList(changes);
    }

    /** The changes of one kind of thing: {@code changes("port")}. */
    public List<Change> changes(String what) {
        return changes.stream().filter(c -> c.what().equals(what)).toList();
    }

    /** One line per change, as {@link Change#describe()} writes it. */
    public List<String> describe() {
        return changes.stream().map(Change::describe).toList();
    }

    /**
     * What to reschedule: the jobs (checks, heartbeat, healer, cleaner) whose schedule or {@code enabled} changed,
     * then every check-in added, removed or changed.
     */
    public Set<String> changedSchedules() {
        Set<String> all = new LinkedHashSet<>(changedJobs);
        all.addAll(changedCheckins);
        return Collections.unmodifiableSet(all);
    }

    /** The jobs among checks, heartbeat, healer and cleaner whose schedule or {@code enabled} changed. */
    public Set<String> changedJobs() {
        return Collections.unmodifiableSet(changedJobs);
    }

    /** Check-ins added, removed, or changed in any way (schedule, grace, machine...). */
    public Set<String> changedCheckins() {
        return Collections.unmodifiableSet(changedCheckins);
    }

    /** Services still declared whose port changed, for {@code fleet apply} to move. */
    public List<PortChange> movedPorts() {
        return Collections.unmodifiableList(movedPorts);
    }

    /** Whether the controller's bind, port, tokens, database, data directory or machine changed. */
    public boolean controllerChanged() {
        return controllerChanged;
    }

    public Set<String> addedMachines() {
        return Collections.unmodifiableSet(addedMachines);
    }

    public Set<String> removedMachines() {
        return Collections.unmodifiableSet(removedMachines);
    }

    /** Machines in both whose own settings (addresses, reach, agent, os...) changed; their services aside. */
    public Set<String> changedMachines() {
        return Collections.unmodifiableSet(changedMachines);
    }

    /** New services, including every service of an added machine. */
    public Set<ServiceKey> addedServices() {
        return Collections.unmodifiableSet(addedServices);
    }

    /** Services gone, including every service of a removed machine. */
    public Set<ServiceKey> removedServices() {
        return Collections.unmodifiableSet(removedServices);
    }

    /** Services in both with any change: port, check, manager, bind... */
    public Set<ServiceKey> changedServices() {
        return Collections.unmodifiableSet(changedServices);
    }

    /** Services in both whose check changed, was added or was removed: their probes are to be replaced. */
    public Set<ServiceKey> changedChecks() {
        return Collections.unmodifiableSet(changedChecks);
    }

    @Override
    public String toString() {
        return isEmpty() ? "no changes" : String.join("\n", describe());
    }

    private void fleet(FleetConfig before, FleetConfig after) {
        if (!Objects.equals(before.name(), after.name())) {
            add(Kind.CHANGED, "fleet", "name", "name " + FieldDiff.render("name", before.name()) + " -> "
                    + FieldDiff.render("name", after.name()));
        }
        if (!Objects.equals(before.version(), after.version())) {
            add(Kind.CHANGED, "fleet", "version", "version " + before.version() + " -> " + after.version());
        }
    }

    private void controller(FleetConfig before, FleetConfig after) {
        List<String> fields = FieldDiff.between(before.controller(), after.controller(), Set.of("retention"));
        if (!fields.isEmpty()) {
            controllerChanged = true;
            add(Kind.CHANGED, "controller", "controller", join(fields) + SEPARATOR + NEEDS_RESTART);
        }
        List<String> retention = FieldDiff.between(before.controller().retention(), after.controller().retention());
        if (!retention.isEmpty()) {
            add(Kind.CHANGED, "controller", "controller.retention", "retention " + join(retention));
        }
    }

    private void machines(Map<String, MachineSpec> before, Map<String, MachineSpec> after) {
        for (String name : union(before, after)) {
            MachineSpec was = before.get(name);
            MachineSpec now = after.get(name);
            String path = "machines." + name;
            if (was == null) {
                addedMachines.add(name);
                now.services().keySet().forEach(service -> addedServices.add(new ServiceKey(name, service)));
                add(Kind.ADDED, "machine", path, describe(now));
            } else if (now == null) {
                removedMachines.add(name);
                was.services().keySet().forEach(service -> removedServices.add(new ServiceKey(name, service)));
                add(Kind.REMOVED, "machine", path, "was " + describe(was));
            } else {
                List<String> fields = FieldDiff.between(was, now, Set.of("services"));
                if (!fields.isEmpty()) {
                    changedMachines.add(name);
                    add(Kind.CHANGED, "machine", path, join(fields));
                }
                services(name, was.services(), now.services());
            }
        }
    }

    private void services(String machine, Map<String, ServiceSpec> before, Map<String, ServiceSpec> after) {
        for (String name : union(before, after)) {
            ServiceSpec was = before.get(name);
            ServiceSpec now = after.get(name);
            ServiceKey key = new ServiceKey(machine, name);
            String path = "machines." + machine + ".services." + name;
            if (was == null) {
                addedServices.add(key);
                add(Kind.ADDED, "service", path, describe(now));
                continue;
            }
            if (now == null) {
                removedServices.add(key);
                add(Kind.REMOVED, "service", path, "was " + describe(was));
                continue;
            }
            if (was.equals(now)) {
                continue;
            }
            changedServices.add(key);
            if (!Objects.equals(was.port(), now.port())) {
                movedPorts.add(new PortChange(machine, name, portOrNone(was.port()), portOrNone(now.port())));
                add(Kind.CHANGED, "port", path, "port " + FieldDiff.render("port", was.port()) + " -> "
                        + FieldDiff.render("port", now.port()));
            }
            if (!Objects.equals(was.check(), now.check())) {
                changedChecks.add(key);
                Kind kind = was.check() == null ? Kind.ADDED : now.check() == null ? Kind.REMOVED : Kind.CHANGED;
                add(kind, "check", path + ".check", check(was.check(), now.check()));
            }
            List<String> rest = new ArrayList<>(manager(was.manager(), now.manager()));
            rest.addAll(FieldDiff.between(was, now, Set.of("port", "check", "manager")));
            if (!rest.isEmpty()) {
                add(Kind.CHANGED, "service", path, join(rest));
            }
        }
    }

    private static List<String> manager(ManagerSpec was, ManagerSpec now) {
        if (was.type() != now.type()) {
            return List.of("manager " + describe(was) + " -> " + describe(now));
        }
        return FieldDiff.between(was, now).stream().map(line -> "manager." + line).toList();
    }

    private static String check(CheckSpec was, CheckSpec now) {
        if (was == null) {
            return "check added: " + describe(now);
        }
        if (now == null) {
            return "check removed (was " + describe(was) + ")";
        }
        List<String> lines = new ArrayList<>();
        Set<String> target = Set.of("http", "tcp", "command", "manager");
        if (!describe(was).equals(describe(now))) {
            lines.add("check " + describe(was) + " -> " + describe(now));
        } else {
            target = Set.of();
        }
        FieldDiff.between(was, now, target).forEach(line -> lines.add("check " + line));
        return join(lines);
    }

    private void reservedRanges(Map<String, ReservedRange> before, Map<String, ReservedRange> after) {
        for (String project : union(before, after)) {
            ReservedRange was = before.get(project);
            ReservedRange now = after.get(project);
            String path = "ports.reserved." + project;
            if (was == null) {
                add(Kind.ADDED, "reserved-range", path, "range " + now.range());
            } else if (now == null) {
                add(Kind.REMOVED, "reserved-range", path, "was range " + was.range());
            } else if (!was.equals(now)) {
                add(Kind.CHANGED, "reserved-range", path, join(FieldDiff.between(was, now)));
            }
        }
    }

    private void jobs(JobsSpec before, JobsSpec after) {
        JOBS.forEach((name, job) -> {
            if (addTimed("job", "jobs." + name, FieldDiff.between(job.apply(before), job.apply(after)))) {
                changedJobs.add(name);
            }
        });
    }

    private void checkins(Map<String, CheckinSpec> before, Map<String, CheckinSpec> after) {
        for (String name : union(before, after)) {
            CheckinSpec was = before.get(name);
            CheckinSpec now = after.get(name);
            String path = "checkins." + name;
            if (was == null) {
                changedCheckins.add(name);
                add(Kind.ADDED, "checkin", path, describe(now));
            } else if (now == null) {
                changedCheckins.add(name);
                add(Kind.REMOVED, "checkin", path, "was " + describe(was));
            } else if (!was.equals(now)) {
                changedCheckins.add(name);
                addTimed("checkin", path, FieldDiff.between(was, now));
            }
        }
    }

    private void failovers(Map<String, FailoverSpec> before, Map<String, FailoverSpec> after) {
        for (String name : union(before, after)) {
            FailoverSpec was = before.get(name);
            FailoverSpec now = after.get(name);
            String path = "failover." + name;
            if (was == null) {
                add(Kind.ADDED, "failover", path, describe(now));
            } else if (now == null) {
                add(Kind.REMOVED, "failover", path, "was " + describe(was));
            } else if (!was.equals(now)) {
                add(Kind.CHANGED, "failover", path, join(FieldDiff.between(was, now)));
            }
        }
    }

    private void alerts(AlertsSpec.Telegram was, AlertsSpec.Telegram now) {
        String path = "alerts.telegram";
        if (was == null && now != null) {
            add(Kind.ADDED, "alerts", path, describe(now));
        } else if (was != null && now == null) {
            add(Kind.REMOVED, "alerts", path, "was " + describe(was));
        } else if (!Objects.equals(was, now)) {
            add(Kind.CHANGED, "alerts", path, join(FieldDiff.between(was, now)));
        }
    }

    private void add(Kind kind, String what, String path, String summary) {
        changes.add(new Change(kind, what, path, summary));
    }

    /**
     * Adds the schedule and enabled lines as one "schedule" change and the rest as one {@code what} change.
     *
     * @return whether the schedule or enabled changed
     */
    private boolean addTimed(String what, String path, List<String> lines) {
        List<String> timing = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        for (String line : lines) {
            (line.startsWith("schedule ") || line.startsWith("enabled ") ? timing : settings).add(line);
        }
        if (!timing.isEmpty()) {
            add(Kind.CHANGED, "schedule", path, join(timing));
        }
        if (!settings.isEmpty()) {
            add(Kind.CHANGED, what, path, join(settings));
        }
        return !timing.isEmpty();
    }

    private static String describe(MachineSpec machine) {
        int services = machine.services().size();
        return FieldDiff.render("os", machine.os()) + " " + FieldDiff.render("role", machine.role())
                + ", reached " + FieldDiff.render("via", machine.reach().via()) + ", " + services
                + (services == 1 ? " service" : " services");
    }

    private static String describe(ServiceSpec service) {
        return describe(service.manager()) + (service.port() == null ? "" : ", port " + service.port());
    }

    private static String describe(ManagerSpec manager) {
        String type = FieldDiff.render("type", manager.type());
        return manager.id() == null ? type : type + " " + manager.id();
    }

    /** The check's target; an http URL without its query, which could carry a token from the environment. */
    private static String describe(CheckSpec check) {
        if (check.http() != null) {
            int query = check.http().indexOf('?');
            return "http " + (query < 0 ? check.http() : check.http().substring(0, query) + "?...");
        }
        if (check.tcp() != null) {
            return "tcp " + check.tcp();
        }
        if (!check.command().isEmpty()) {
            return "command " + check.command().get(0);
        }
        return check.manager() ? "manager status" : "none";
    }

    private static String describe(CheckinSpec checkin) {
        return "schedule " + FieldDiff.render("schedule", checkin.schedule()) + " on " + checkin.machine()
                + ", grace " + FieldDiff.render("grace", checkin.grace());
    }

    private static String describe(FailoverSpec failover) {
        return "standby " + endpoint(failover.standby()) + " for " + endpoint(failover.primary());
    }

    private static String endpoint(FailoverSpec.Endpoint endpoint) {
        return endpoint.service() == null ? endpoint.machine() : endpoint.machine() + "/" + endpoint.service();
    }

    private static String describe(AlertsSpec.Telegram telegram) {
        int chats = telegram.chatIds().size();
        return "telegram to " + chats + (chats == 1 ? " chat" : " chats") + ", min severity "
                + FieldDiff.render("min_severity", telegram.minSeverity());
    }

    private static int portOrNone(Integer port) {
        return port == null ? PortChange.NONE : port;
    }

    private static String join(List<String> lines) {
        return String.join(SEPARATOR, lines);
    }

    private static <V> Set<String> union(Map<String, V> before, Map<String, V> after) {
        Set<String> names = new LinkedHashSet<>(before.keySet());
        names.addAll(after.keySet());
        return names;
    }

    private static Map<String, Function<JobsSpec, Record>> jobs() {
        Map<String, Function<JobsSpec, Record>> jobs = new LinkedHashMap<>();
        jobs.put("checks", JobsSpec::checks);
        jobs.put("heartbeat", JobsSpec::heartbeat);
        jobs.put("healer", JobsSpec::healer);
        jobs.put("cleaner", JobsSpec::cleaner);
        return Collections.unmodifiableMap(jobs);
    }
}
