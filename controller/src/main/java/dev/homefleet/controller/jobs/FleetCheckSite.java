package dev.homefleet.controller.jobs;

import dev.homefleet.agent.api.ServiceCheck;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.agent.AgentClient;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.probe.Probe;
import dev.homefleet.core.probe.ProbeContext;
import dev.homefleet.core.probe.ProbeResult;
import dev.homefleet.core.probe.ProbeRunner;
import dev.homefleet.core.probe.Probes;
import dev.homefleet.core.service.ServiceManager;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a machine's checks where fleet.yaml means them: a check's URL is "as seen from the service's machine", so
 * http://127.0.0.1:11434/ on the Mac Mini must be fetched on the Mac Mini. On the controller's own machine the
 * checks run in process; on a machine with an agent the agent runs them ({@code GET /v1/checks}); otherwise they
 * run over SSH: commands and manager status directly, an http or tcp check to a loopback address as {@code curl}
 * or {@code nc} there (PowerShell's {@code Invoke-WebRequest} / {@code Test-NetConnection} on Windows), and one to
 * another address from the controller. An http check with body or JSON expectations to a loopback address of a
 * machine without an agent cannot be judged from a status code alone, so it is not run (the log says to install
 * the agent) rather than answered wrongly.
 */
public final class FleetCheckSite implements ChecksJob.CheckSite {
    private static final Logger log = LoggerFactory.getLogger(FleetCheckSite.class);

    private final FleetReach reach;
    private final CommandRunner local;
    private final ServiceManagers managers;
    private final ProbeRunner probes;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public FleetCheckSite(FleetReach reach, CommandRunner local, ServiceManagers managers, ProbeRunner probes) {
        this.reach = reach;
        this.local = local;
        this.managers = managers;
        this.probes = probes;
    }

    @Override
    public ChecksJob.Checked run(MachineSpec machine, Map<String, CheckSpec> checks) throws IOException {
        ReachSpec.Via via = machine.reach().via();
        if (via == ReachSpec.Via.LOCAL) {
            return new ChecksJob.Checked("local", runHere(machine, checks, local, false));
        }
        Optional<AgentClient> agent = reach.agent(machine);
        IOException agentFailure = null;
        if (agent.isPresent()) {
            Duration wait = checks.values().stream().map(CheckSpec::timeout).max(Duration::compareTo).orElseThrow()
                    .plusSeconds(2);
            try {
                Map<String, ProbeResult> results = new LinkedHashMap<>();
                for (ServiceCheck check : agent.get().checks(wait)) {
                    results.put(check.service(), new ProbeResult(check.ok(), Duration.ofMillis(check.latencyMs()),
                            check.detail(), check.at() == null ? Instant.now() : check.at()));
                }
                return new ChecksJob.Checked("agent", results);
            } catch (IOException e) {
                agentFailure = e;
            }
        }
        if (via == ReachSpec.Via.SSH) {
            CommandRunner ssh = reach.commands(machine.name());
            return new ChecksJob.Checked(agentFailure == null ? "ssh" : "ssh (agent: " + agentFailure.getMessage() + ")",
                    runHere(machine, checks, ssh, true));
        }
        if (agentFailure != null) {
            throw agentFailure;
        }
        throw new IOException(machine.agent() == null
                ? machine.name() + " has no agent and is not reached over SSH; add an agent: block"
                : machine.name() + "'s agent cannot be asked: its token is not set in the controller's environment or "
                        + "its token file can be read by others (fleet validate says which)");
    }

    /** Runs the checks with {@code runner} as the machine's command line; {@code remote}: translate loopback probes. */
    private Map<String, ProbeResult> runHere(MachineSpec machine, Map<String, CheckSpec> checks, CommandRunner runner,
            boolean remote) {
        Map<String, Probe> built = new LinkedHashMap<>();
        for (Map.Entry<String, CheckSpec> entry : checks.entrySet()) {
            ServiceSpec service = machine.services().get(entry.getKey());
            CheckSpec check = entry.getValue();
            ProbeContext context = probes.context().withCommands(runner);
            try {
                if (check.manager()) {
                    Optional<ServiceManager> manager = managers.forService(machine, service, runner);
                    if (manager.isEmpty()) {
                        warnOnce(machine.name() + "/" + service.name(), "its manager has no status to check");
                        continue;
                    }
                    context = context.withManager(manager.get());
                }
                CheckSpec translated = remote ? RemoteChecks.translate(check, machine.os()).orElse(null) : check;
                if (translated == null) {
                    warnOnce(machine.name() + "/" + service.name(), "an http check with body or JSON expectations to "
                            + "a loopback address needs the agent on " + machine.name()
                            + " (fleet launchd install agent); it is not run over SSH");
                    continue;
                }
                built.put(service.name(), Probes.of(translated, context));
            } catch (IOException | RuntimeException e) {
                built.put(service.name(), failing(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
        return probes.runAll(built);
    }

    private void warnOnce(String key, String why) {
        if (warned.add(key)) {
            log.warn("{}: not checked: {}", key, why);
        }
    }

    private static Probe failing(String why) {
        return new Probe() {
            @Override
            public String target() {
                return why;
            }

            @Override
            public Duration timeout() {
                return Duration.ZERO;
            }

            @Override
            public java.util.concurrent.CompletableFuture<ProbeResult> run() {
                return java.util.concurrent.CompletableFuture.completedFuture(
                        new ProbeResult(false, Duration.ZERO, why, Instant.now()));
            }
        };
    }
}
