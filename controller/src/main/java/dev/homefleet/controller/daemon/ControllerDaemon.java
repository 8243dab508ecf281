package dev.homefleet.controller.daemon;

import dev.homefleet.agent.service.Managers;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.alert.ControllerAlerts;
import dev.homefleet.controller.alert.EventAlerts;
import dev.homefleet.controller.alert.StateFleetView;
import dev.homefleet.controller.apply.PortMove;
import dev.homefleet.controller.apply.PortMover;
import dev.homefleet.controller.checkin.CheckinRoutes;
import dev.homefleet.controller.checkin.CheckinTracker;
import dev.homefleet.controller.clean.Cleaner;
import dev.homefleet.controller.clean.CleanerReport;
import dev.homefleet.controller.events.EventBus;
import dev.homefleet.controller.events.EventType;
import dev.homefleet.controller.events.FleetEvent;
import dev.homefleet.controller.failover.FailoverEventRoutes;
import dev.homefleet.controller.heal.DownService;
import dev.homefleet.controller.heal.Healer;
import dev.homefleet.controller.heal.HealerReport;
import dev.homefleet.controller.heal.RestartBudget;
import dev.homefleet.controller.jobs.ChecksJob;
import dev.homefleet.controller.jobs.FleetCheckSite;
import dev.homefleet.controller.jobs.HeartbeatJob;
import dev.homefleet.controller.jobs.JobRecorder;
import dev.homefleet.controller.jobs.JobResult;
import dev.homefleet.controller.jobs.JobScheduler;
import dev.homefleet.controller.jobs.MachineReachability;
import dev.homefleet.controller.jobs.RecordedJob;
import dev.homefleet.controller.live.LiveHub;
import dev.homefleet.controller.metrics.FleetMetrics;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.controller.reach.Logs;
import dev.homefleet.controller.reach.Restarts;
import dev.homefleet.controller.reload.ConfigDiff;
import dev.homefleet.controller.reload.ConfigWatcher;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.controller.state.FleetState.MachineStatus;
import dev.homefleet.controller.state.FleetState.ServiceStatus;
import dev.homefleet.controller.state.FleetState;
import dev.homefleet.controller.state.Health;
import dev.homefleet.controller.state.StateHolder;
import dev.homefleet.controller.store.Store;
import dev.homefleet.controller.web.ActRoutes;
import dev.homefleet.controller.web.ControllerWeb;
import dev.homefleet.controller.web.DashboardRoutes;
import dev.homefleet.controller.web.FleetApi;
import dev.homefleet.controller.web.FleetDocument;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.controller.web.WebAuth;
import dev.homefleet.core.alert.TelegramNotifier;
import dev.homefleet.core.alert.bot.BotPoller;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.JobsSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Problem;
import dev.homefleet.core.config.Schedule;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.control.ControlException;
import dev.homefleet.core.control.ControlServer;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.probe.ProbeResult;
import dev.homefleet.core.probe.ProbeRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fleet controller}: everything that keeps the fleet of fleet.yaml healthy without a person, wired together.
 * The SQLite store records every event before anyone else sees it; the jobs (checks, heartbeat, healer, cleaner)
 * run on Quartz; check-ins are evaluated every few seconds; fleet.yaml is watched and applied live; the state is one
 * {@link FleetState} snapshot served on {@code controller.sock} and over HTTP.
 */
public final class ControllerDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerDaemon.class);

    public static final String CHECKS = "checks";
    public static final String HEARTBEAT = "heartbeat";
    public static final String HEALER = "healer";
    public static final String CLEANER = "cleaner";
    public static final List<String> JOBS = List.of(CHECKS, HEARTBEAT, HEALER, CLEANER);
    /** How long running jobs get to finish at a stop; with {@link #ABANDON_WAIT} and the rest, within 10 s. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(7);
    /** How long an interrupted job gets to record that it was abandoned before the store closes. */
    static final Duration ABANDON_WAIT = Duration.ofSeconds(1);
    static final Duration CHECKIN_TICK = Duration.ofSeconds(5);
    static final Duration OLD_REACH_GRACE = Duration.ofMinutes(2);

    /**
     * @param configFile  the fleet.yaml that is watched
     * @param config      that file, loaded and valid
     * @param socket      where controller.sock goes (default DATA_DIR/controller.sock)
     * @param host        the address to listen on, resolved from controller.bind (or --bind)
     * @param port        the port (0 picks one)
     * @param reloadQuiet how long fleet.yaml must be quiet before a reload
     */
    public record Options(Path configFile, FleetConfig config, Map<String, String> environment, Path home,
            Path socket, Path database, String host, int port, Tokens tokens, Duration reloadQuiet, Clock clock,
            List<String> pm2) {}

    private final Options options;
    private final Clock clock;
    private volatile FleetConfig config;
    private final Store store;
    private final EventBus bus;
    private final StateHolder state;
    private final OkHttpClient http = new OkHttpClient();
    private final CommandRunner local;
    private final ServiceManagers managers;
    private volatile FleetReach reach;
    private volatile FleetCheckSite site;
    /** Connections replaced by a reload, closed a while later (or at stop). */
    private final List<FleetReach> retired = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ProbeRunner probes;
    private final ExecutorService pool;
    private final JobScheduler scheduler;
    private final MachineReachability reachability;
    /** Replaced with the healer when an edit changes jobs.healer's limits; see {@link #healerFor}. */
    private volatile RestartBudget budget;
    private volatile Healer healer;
    private volatile JobsSpec.Healer healerLimits;
    private final ChecksJob checks;
    private final HeartbeatJob heartbeat;
    private final CheckinTracker checkins;
    private final ScheduledExecutorService ticker;
    private final java.util.concurrent.atomic.AtomicBoolean healerAsked = new java.util.concurrent.atomic.AtomicBoolean();
    private final Set<String> knownConflicts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ControlServer control;
    private final WebAuth webAuth;
    private volatile ControllerWeb web;
    private volatile LiveHub hub;
    private Optional<TelegramNotifier> telegram = Optional.empty();
    private volatile BotPoller bot;
    private volatile ConfigWatcher watcher;
    private volatile boolean closed;

    private ControllerDaemon(Options options) {
        this.options = options;
        this.clock = options.clock();
        this.config = options.config();
        this.store = Store.open(options.database());
        this.bus = new EventBus(store::append);
        this.state = new StateHolder(FleetState.empty(new FleetState.ConfigStatus(options.configFile().toString(),
                clock.instant(), true, List.of())));
        LocalCommandRunner.Builder runner = LocalCommandRunner.builder().environment("HOME", options.home().toString());
        for (String name : List.of("PM2_HOME", "PATH")) {
            String value = options.environment().get(name);
            if (value != null) {
                runner.environment(name, value);
            }
        }
        this.local = runner.build();
        this.managers = Managers.withPm2(options.pm2());
        this.reach = newReach(config);
        this.probes = new ProbeRunner(config.jobs().checks().concurrency());
        this.site = new FleetCheckSite(reach, local, managers, probes);
        this.pool = Executors.newCachedThreadPool(daemonThreads("homefleet-work"));
        this.scheduler = new JobScheduler("homefleet-controller", 4);
        this.reachability = new MachineReachability(bus, state);
        this.healerLimits = config.jobs().healer();
        this.budget = budgetFromHistory(healerLimits);
        this.healer = Healer.of(healerLimits, budget, this::restart, this::verify, bus);
        this.checks = new ChecksJob(() -> config, (machine, specs) -> site().run(machine, specs), reachability, bus,
                state, pool, new ChecksJob.Listener() {}, key -> budget.gaveUp(key),
                key -> budget.used(key, clock.instant()), clock);
        this.checks.resume(lastServiceStates(store));
        this.heartbeat = new HeartbeatJob(() -> config, machine -> reach.metrics(machine), store::sample, reachability,
                bus, state, pool, options.home(), clock);
        this.checkins = new CheckinTracker(config.checkins().values(), store, bus, clock);
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemonThreads("homefleet-checkins"));
        this.webAuth = WebAuth.persistent(options.tokens(), store, clock);
        this.control = ControlActions.server(options.socket(), this);
    }

    /** Where checks run; replaced with {@link #reach} when fleet.yaml changes. */
    private FleetCheckSite site() {
        return site;
    }

    /**
     * Opens the store, starts the jobs, the control socket, the HTTP server and the watcher.
     *
     * @throws IOException when the socket or the port cannot be opened (another controller runs)
     */
    public static ControllerDaemon start(Options options) throws IOException {
        ControllerDaemon daemon = new ControllerDaemon(options);
        try {
            daemon.startAll();
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    private void startAll() throws IOException {
        control.start();
        bus.subscribe("healer trigger", event -> {
            // Several services going down at once (a machine's worth) ask for one healer run, not one each.
            if (event.type() == EventType.SERVICE_DOWN && config.jobs().healer().enabled() && !closed
                    && healerAsked.compareAndSet(false, true)) {
                scheduler.runNow(HEALER);
            }
        });
        bus.subscribe("restart budget", event -> budget.onEvent(event));
        bus.subscribe("service restarts", this::showRestart);
        startTelegram();
        scheduleJobs(config, Set.copyOf(JOBS));
        scheduler.start();
        checkins.evaluate(clock.instant());
        state.update(s -> s.withCheckins(checkins.snapshot()));
        ticker.scheduleWithFixedDelay(this::tickCheckins, CHECKIN_TICK.toMillis(), CHECKIN_TICK.toMillis(),
                TimeUnit.MILLISECONDS);
        FailoverEventRoutes failovers = new FailoverEventRoutes(bus, () -> config.failover().keySet());
        bus.subscribe("failover state", event -> {
            if (event.type().wire().startsWith("failover.")) {
                state.update(s -> s.withFailover(failovers.snapshot()));
                // While a standby is active it polls the bot; two pollers of one token would fight (409).
                boolean standbyActive = failovers.snapshot().values().stream().anyMatch(f -> f.to().activeSide());
                if (bot != null) {
                    if (standbyActive) {
                        bot.stop();
                    } else {
                        bot.start();
                    }
                }
            }
        });
        DaemonActions actions = new DaemonActions(() -> config, () -> reach, managers, scheduler, JOBS, checkins,
                state);
        hub = new LiveHub(state, bus, snapshot -> FleetDocument.of(snapshot, config),
                (machine, service, lines) -> Logs.tail(config, reach, managers, machine, service, lines));
        webAuth.onSignOut(hub::signedOut); // a page elsewhere on the same sign-in stops streaming at logout
        FleetMetrics metrics = new FleetMetrics(state, bus,
                () -> telegram.map(notifier -> (long) notifier.outbox().size()).orElse(0L), clock);
        web = new ControllerWeb(options.host(), options.port(), config.controller().checkinPort(), webAuth,
                List.of(new CheckinRoutes(checkins)::register, failovers::register,
                        new FleetApi(state::get, () -> config, store, clock)::register,
                        new ActRoutes(actions)::register, hub::register, metrics::register,
                        DashboardRoutes::registerWithLogin)).start();
        watcher = ConfigWatcher.start(options.configFile(), config, options.environment(),
                options.reloadQuiet(), new Reloads());
        bus.publish(FleetEvent.of(EventType.CONTROLLER_STARTED).at(clock.instant())
                .message("controller started with " + config.machines().size() + " machines and "
                        + config.serviceCount() + " services; listening on " + web.url())
                .data("url", web.url()).build());
        scheduler.runNow(CHECKS);
        scheduler.runNow(HEARTBEAT);
    }

    /**
     * Alerts go to Telegram through an outbox (nothing is lost while Telegram or the network is away), and the bot
     * answers in the allowed chats. The controller owns the bot token's one poller; the standby's watchdog polls
     * only while the controller's machine is down.
     */
    private void startTelegram() {
        telegram = ControllerAlerts.open(config, options.environment(), options.home(), http);
        telegram.ifPresent(notifier -> {
            EventAlerts.subscribe(bus, notifier, () -> config);
            if (!notifier.start()) {
                log.warn("another homefleet process is sending from {}; this controller queues alerts but does not "
                        + "send them", ControllerAlerts.database(config, options.home()));
                return;
            }
            bot = notifier.bot(new StateFleetView(state::get, () -> config, this::restart, clock));
            bot.start();
        });
    }

    /** Where the web server listens, e.g. {@code http://100.125.165.107:8420}; null until it does. */
    public String url() {
        ControllerWeb started = web;
        return started == null ? null : started.url();
    }

    /** Every HTTP and WebSocket route the web server registered. */
    public List<ControllerWeb.Route> routes() {
        return web.routes();
    }

    /** The tokens, sessions and one-time login links of the web server. */
    WebAuth webAuth() {
        return webAuth;
    }

    public FleetState state() {
        return state.get();
    }

    public FleetConfig config() {
        return config;
    }

    public Store store() {
        return store;
    }

    public EventBus events() {
        return bus;
    }

    JobScheduler scheduler() {
        return scheduler;
    }

    /** Runs {@code job} now and waits for this run to end; its line in the state afterwards. */
    public FleetState.JobStatus runNow(String job, Duration within) throws ControlException {
        if (!scheduler.has(job)) {
            throw new ControlException("not_found", "no job named '" + job + "'; the jobs are " + String.join(", ", JOBS));
        }
        Instant asked = clock.instant();
        scheduler.runNow(job);
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            FleetState.JobStatus status = state.get().jobs().get(job);
            if (status != null && status.lastStart() != null && !status.lastStart().isBefore(asked)
                    && status.lastEnd() != null && !"running".equals(status.outcome())) {
                return status;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ControlException(ControlException.INTERRUPTED, "interrupted while waiting for " + job);
            }
        }
        throw new ControlException(ControlException.TIMEOUT, job + " did not finish within " + within.toSeconds()
                + "s; it goes on running: see fleet jobs");
    }

    // ---- jobs ----

    private void scheduleJobs(FleetConfig fleet, Set<String> which) {
        JobsSpec jobs = fleet.jobs();
        JobRecorder recorder = new JobRecorder() {
            @Override
            public long started(String job, Instant at) {
                return store.jobStarted(job, at);
            }

            @Override
            public void finished(long runId, Instant at, String outcome, String summary, Map<String, Object> details) {
                store.jobFinished(runId, at, outcome, summary, details);
            }
        };
        List<JobDef> defs = List.of(
                new JobDef(CHECKS, jobs.checks().schedule(), jobs.checks().enabled(), checks, true),
                new JobDef(HEARTBEAT, jobs.heartbeat().schedule(), jobs.heartbeat().enabled(), heartbeat, false),
                new JobDef(HEALER, jobs.healer().schedule(), jobs.healer().enabled(), this::heal, false),
                new JobDef(CLEANER, jobs.cleaner().schedule(), jobs.cleaner().enabled(), this::clean, false));
        for (JobDef def : defs) {
            if (!which.contains(def.name())) {
                continue;
            }
            RecordedJob job = new RecordedJob(def.name(), def.work(), recorder, bus, state, scheduler, def.quiet(), clock);
            if (def.enabled()) {
                scheduler.schedule(def.name(), def.schedule(), job);
            } else {
                scheduler.register(def.name(), job);
            }
            String schedule = def.enabled() ? def.schedule().toString() : "off (run by hand)";
            state.update(s -> {
                FleetState.JobStatus before = s.jobs().get(def.name());
                return s.withJob(new FleetState.JobStatus(def.name(), schedule,
                        before == null ? null : before.lastStart(), before == null ? null : before.lastEnd(),
                        before == null ? null : before.outcome(), before == null ? null : before.summary(),
                        scheduler.nextFire(def.name()).orElse(null)));
            });
        }
    }

    /** One of the controller's jobs as fleet.yaml sets it; {@code quiet}: publish only its failures. */
    private record JobDef(String name, Schedule schedule, boolean enabled, Supplier<JobResult> work, boolean quiet) {}

    private JobResult heal() {
        healerAsked.set(false);
        Healer current = healerFor(config.jobs().healer());
        List<DownService> down = new ArrayList<>();
        Instant now = clock.instant();
        for (MachineStatus machine : state.get().machines().values()) {
            for (ServiceStatus service : machine.services().values()) {
                // Restarted since its last check: the next check says whether it came back, not this run.
                boolean awaitingCheck = service.lastCheck() != null && budget.lastRestart(
                        RestartBudget.key(machine.name(), service.name()), now)
                        .filter(restart -> restart.isAfter(service.lastCheck())).isPresent();
                if ((service.health() == Health.DOWN || service.health() == Health.GAVE_UP) && !awaitingCheck) {
                    down.add(new DownService(machine.name(), service.name(), service.detail()));
                }
            }
        }
        HealerReport report = current.heal(down, clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("lines", report.lines());
        return JobResult.ok(report.summary(), details);
    }

    /**
     * The healer under {@code limits}. An edit of restart_budget, budget_window or max_restarts_per_run takes effect
     * at the healer's next run, its only user (runs never overlap): the budget is rebuilt from the stored events under
     * the new limits, as a controller started with them would rebuild it.
     */
    private Healer healerFor(JobsSpec.Healer limits) {
        JobsSpec.Healer was = healerLimits;
        if (limits.restartBudget() != was.restartBudget() || !limits.budgetWindow().equals(was.budgetWindow())
                || limits.maxRestartsPerRun() != was.maxRestartsPerRun()) {
            RestartBudget rebuilt = budgetFromHistory(limits);
            budget = rebuilt;
            healer = Healer.of(limits, rebuilt, this::restart, this::verify, bus);
            healerLimits = limits;
            log.info("healer limits now {} restarts in {}, {} per run", limits.restartBudget(),
                    dev.homefleet.core.config.Durations.format(limits.budgetWindow()), limits.maxRestartsPerRun());
        }
        return healer;
    }

    /** The restarts and gave-ups of the stored events still inside the window of {@code limits}. */
    private RestartBudget budgetFromHistory(JobsSpec.Healer limits) {
        List<FleetEvent> history = store.events(clock.instant().minus(limits.budgetWindow()), null, 100_000);
        return RestartBudget.fromHistory(history, limits.restartBudget(), limits.budgetWindow(), clock);
    }

    private void restart(String machineName, String serviceName) throws Exception {
        FleetConfig fleet = config;
        MachineSpec machine = fleet.machines().get(machineName);
        ServiceSpec service = machine == null ? null : machine.services().get(serviceName);
        if (service == null) {
            throw new IOException(machineName + "/" + serviceName + " is no longer in fleet.yaml");
        }
        Restarts.restart(reach, managers, machine, service);
    }

    private boolean verify(String machineName, String serviceName, Duration timeout) throws Exception {
        MachineSpec machine = config.machines().get(machineName);
        ServiceSpec service = machine == null ? null : machine.services().get(serviceName);
        if (service == null || service.check() == null) {
            return false;
        }
        CheckSpec check = service.check();
        ChecksJob.Checked checked = site().run(machine, Map.of(serviceName, check));
        ProbeResult result = checked.results().get(serviceName);
        return result != null && result.ok();
    }

    private void showRestart(FleetEvent event) {
        if (event.type() != EventType.SERVICE_RESTARTED && event.type() != EventType.SERVICE_GAVE_UP
                && event.type() != EventType.SERVICE_UP) {
            return;
        }
        state.update(s -> {
            MachineStatus machine = s.machines().get(event.machine());
            ServiceStatus service = machine == null ? null : machine.services().get(event.service());
            return service == null ? s : s.withMachine(machine.withService(budget.applyTo(service, clock.instant())));
        });
    }

    private JobResult clean() {
        FleetConfig fleet = config;
        Cleaner cleaner = Cleaner.of(fleet);
        List<String> summaries = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        boolean anyFailed = false;
        for (MachineSpec machine : fleet.machines().values()) {
            if (!HeartbeatJob.watched(machine)) {
                continue;
            }
            CommandRunner runner;
            try {
                runner = reach.commands(machine.name());
            } catch (IOException e) {
                summaries.add(machine.name() + ": " + e.getMessage());
                continue;
            }
            List<dev.homefleet.core.metrics.ListeningSocket> listeners = null;
            try {
                listeners = reach.listeners(machine.name()).value();
            } catch (IOException e) {
                // the cleaner sweeps them itself through the runner
            }
            CleanerReport report = cleaner.run(machine.name(), machine, runner, listeners);
            anyFailed |= !report.ok();
            summaries.add(machine.name() + ": " + report.summary());
            for (FleetEvent event : report.events()) {
                if (event.type() == EventType.PORT_CONFLICT) {
                    conflicts.add(event.message());
                    if (!knownConflicts.add(event.message())) {
                        continue; // already told; it is in the state until it is gone
                    }
                }
                bus.publish(event);
            }
        }
        knownConflicts.retainAll(conflicts);
        state.update(s -> s.withConflicts(conflicts));
        var purged = store.purge(fleet.controller().retention(), clock.instant());
        summaries.add("purged " + purged);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("machines", summaries);
        details.put("conflicts", conflicts);
        String summary = String.join("; ", summaries);
        return anyFailed ? new JobResult(true, summary, details) : JobResult.ok(summary, details);
    }

    private void tickCheckins() {
        try {
            checkins.evaluate(clock.instant());
            state.update(s -> s.withCheckins(checkins.snapshot()));
        } catch (RuntimeException e) {
            log.warn("evaluating check-ins failed: {}", e.toString());
        }
    }

    // ---- live reload ----

    private final class Reloads implements ConfigWatcher.Listener {
        @Override
        public void accepted(FleetConfig next, ConfigDiff diff) {
            telegram.ifPresent(notifier -> {
                if (next.alerts().telegram() != null) {
                    notifier.update(next.alerts().telegram());
                }
            });
            FleetConfig before = config;
            FleetReach old = reach;
            reach = newReach(next);
            site = new FleetCheckSite(reach, local, managers, probes);
            config = next;
            // A checks or healer run may still be using the old connections; they go once it has surely ended.
            retired.add(old);
            ticker.schedule(() -> {
                old.close();
                retired.remove(old);
            }, OLD_REACH_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            Set<String> rescheduled = new LinkedHashSet<>(diff.changedJobs());
            rescheduled.retainAll(JOBS);
            scheduleJobs(next, rescheduled);
            checkins.replace(next.checkins().values());
            List<String> lines = new ArrayList<>(diff.describe());
            List<PortMove> moves = diff.movedPorts().isEmpty() ? List.of() : movePorts(next, diff);
            moves.forEach(m -> lines.add("port move " + m.machine() + "/" + m.service() + ": "
                    + m.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " (" + m.detail() + ")"));
            state.update(s -> s.withConfig(new FleetState.ConfigStatus(options.configFile().toString(),
                    clock.instant(), true, List.of())).withCheckins(checkins.snapshot()));
            // The probe runner is made once with jobs.checks.concurrency; the healer's limits follow at its next run.
            boolean restartNeeded = diff.controllerChanged()
                    || before.jobs().checks().concurrency() != next.jobs().checks().concurrency();
            bus.publish(FleetEvent.of(EventType.CONFIG_APPLIED).at(clock.instant()).subject("fleet.yaml")
                    .message("fleet.yaml applied: " + diff.changes().size() + " change(s)"
                            + (restartNeeded ? "; some need a restart of fleet controller" : ""))
                    .data("changes", lines).data("rescheduled", List.copyOf(rescheduled))
                    .data("restart_needed", restartNeeded).build());
            log.debug("reloaded {} (was {} services, now {})", options.configFile(), before.serviceCount(),
                    next.serviceCount());
        }

        @Override
        public void backInStep() {
            state.update(s -> s.withConfig(new FleetState.ConfigStatus(s.config().path(), s.config().loadedAt(), true,
                    List.of())));
        }

        @Override
        public void rejected(List<Problem> problems, String fileText) {
            List<String> errors = problems.stream().filter(Problem::isError).map(Problem::format).toList();
            List<String> shown = errors.isEmpty() ? problems.stream().map(Problem::format).toList() : errors;
            state.update(s -> s.withConfig(new FleetState.ConfigStatus(options.configFile().toString(),
                    s.config().loadedAt(), false, shown)));
            bus.publish(FleetEvent.of(EventType.CONFIG_REJECTED).at(clock.instant()).subject("fleet.yaml")
                    .message("fleet.yaml on disk was not applied (" + shown.size() + " problem(s)); the last good "
                            + "config stays in force: " + (shown.isEmpty() ? "" : shown.get(0)))
                    .data("errors", shown).build());
        }
    }

    /** Moves the services whose port changed, the way `fleet apply` does; everything else is left alone. */
    private List<PortMove> movePorts(FleetConfig next, ConfigDiff diff) {
        Set<String> moved = new LinkedHashSet<>();
        diff.movedPorts().forEach(p -> moved.add(p.machine() + "/" + p.service()));
        PortMover mover = new PortMover(next, (machine, service) -> moved.contains(machine.name() + "/" + service.name())
                ? managers.forService(machine, service, reach.commands(machine.name())) : Optional.empty(),
                machine -> reach.listeners(machine).value(), Duration.ofSeconds(20), new PortMover.Progress() {});
        return mover.apply(false).stream().filter(m -> moved.contains(m.machine() + "/" + m.service())).toList();
    }

    private FleetReach newReach(FleetConfig fleet) {
        return new FleetReach(fleet, options.environment(), options.home(), local,
                () -> SshRunners.create(options.home(), System.getProperty("user.name")), http);
    }

    /** Each service's last service.down / gave-up / up in the store: where a restarted controller resumes. */
    private static Map<String, Health> lastServiceStates(Store store) {
        Map<String, Health> last = new LinkedHashMap<>();
        List<FleetEvent> events = new ArrayList<>();
        for (EventType type : List.of(EventType.SERVICE_DOWN, EventType.SERVICE_GAVE_UP, EventType.SERVICE_UP)) {
            events.addAll(store.events(Instant.EPOCH, type, 10_000));
        }
        events.sort(java.util.Comparator.comparingLong(FleetEvent::id));
        for (FleetEvent event : events) {
            if (event.machine() == null || event.service() == null) {
                continue;
            }
            String key = event.machine() + "/" + event.service();
            if (event.type() == EventType.SERVICE_DOWN || event.type() == EventType.SERVICE_GAVE_UP) {
                last.put(key, Health.DOWN);
            } else if (event.type() == EventType.SERVICE_UP) {
                last.put(key, Health.UP);
            }
        }
        return last;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Waits a little for interrupted jobs to record their end, so no run is left "running" in the store. */
    private void awaitAbandoned() {
        long deadline = System.nanoTime() + ABANDON_WAIT.toNanos();
        while (state.get().jobs().values().stream().anyMatch(j -> "running".equals(j.outcome()))
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops within about {@link #SHUTDOWN_GRACE}: running jobs finish or are abandoned; the store closes last. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
        ticker.shutdownNow();
        boolean finished = scheduler.shutdown(SHUTDOWN_GRACE);
        if (hub != null) {
            hub.close();
        }
        if (web != null) {
            web.close();
        }
        control.close();
        pool.shutdownNow();
        probes.close();
        reach.close();
        retired.forEach(FleetReach::close);
        if (!finished) {
            awaitAbandoned();
        }
        try {
            bus.publish(FleetEvent.of(EventType.CONTROLLER_STOPPED).at(clock.instant())
                    .message("controller stopped" + (finished ? "" : "; running jobs were abandoned")).build());
        } catch (RuntimeException e) {
            log.debug("could not record the stop: {}", e.toString());
        }
        if (bot != null) {
            bot.stop();
        }
        telegram.ifPresent(TelegramNotifier::close);
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        store.close();
    }
}
