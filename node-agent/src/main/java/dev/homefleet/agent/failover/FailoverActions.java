package dev.homefleet.agent.failover;

import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.FailoverSpec.Action;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.service.ServiceManager;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a failover's {@code on_takeover} or {@code on_yield} steps on the standby machine, in order, stopping at the
 * first that fails: service operations through the service's manager (launchd, pm2, Windows, a process), an
 * environment change through the manager's definition (it takes effect at the service's next start or restart, so
 * a {@code set_env} is followed by a restart in fleet.yaml), and commands through the {@link CommandRunner}. Values
 * set by {@code set_env} never appear in what it reports, since they may be secrets.
 */
public final class FailoverActions {

    /** The bound on one command step; the service managers bound their own operations. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    /** How a list of steps went: ok, with what was done, or failed, with the step and what went wrong. */
    public record Outcome(boolean ok, String detail) {}

    private final MachineSpec standby;
    private final ServiceManagers managers;
    private final CommandRunner runner;
    private final Duration commandTimeout;

    public FailoverActions(MachineSpec standby, ServiceManagers managers, CommandRunner runner,
            Duration commandTimeout) {
        this.standby = standby;
        this.managers = managers;
        this.runner = runner;
        this.commandTimeout = commandTimeout;
    }

    public Outcome run(List<Action> actions) {
        List<String> done = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            Action action = actions.get(i);
            String what = describe(action);
            try {
                step(action);
            } catch (IOException | RuntimeException e) {
                return new Outcome(false, "step " + (i + 1) + " of " + actions.size() + " (" + what + ") failed: "
                        + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            done.add(what);
        }
        return new Outcome(true, String.join(", ", done));
    }

    private void step(Action action) throws IOException {
        if (!action.command().isEmpty()) {
            CommandResult result = runner.run(action.command(), commandTimeout);
            if (result.timedOut()) {
                throw new IOException("timed out after " + Durations.format(commandTimeout));
            }
            if (!result.ok()) {
                String said = lastLine(result.stderr().isBlank() ? result.stdout() : result.stderr());
                throw new IOException("exit " + result.exitCode() + (said.isEmpty() ? "" : ": " + said));
            }
            return;
        }
        ServiceManager manager = manager(action.service());
        if (!action.setEnv().isEmpty()) {
            Map<String, String> environment = new LinkedHashMap<>(manager.environment());
            environment.putAll(action.setEnv());
            manager.setEnvironment(environment);
            return;
        }
        switch (action.action()) {
            case START -> manager.start();
            case STOP -> manager.stop();
            case RESTART -> manager.restart();
        }
    }

    private ServiceManager manager(String name) throws IOException {
        ServiceSpec service = standby.services().get(name);
        if (service == null) {
            throw new IOException("fleet.yaml puts no service '" + name + "' on " + standby.name());
        }
        Optional<ServiceManager> manager = managers.forService(standby, service, runner);
        if (manager.isEmpty()) {
            throw new IOException(name + " is a cron entry, which has no process to start, stop or configure");
        }
        return manager.get();
    }

    static String describe(Action action) {
        if (!action.command().isEmpty()) {
            // Only the program: its arguments may hold ${ENV} values expanded from secrets, and this text goes to
            // the state file, the API, the controller and Telegram.
            int more = action.command().size() - 1;
            return "run " + action.command().get(0) + (more == 0 ? "" : " (" + more + " argument" + (more == 1 ? "" : "s") + ")");
        }
        if (!action.setEnv().isEmpty()) {
            return "set " + String.join(", ", action.setEnv().keySet()) + " for " + action.service();
        }
        return action.action().name().toLowerCase(Locale.ROOT) + " " + action.service();
    }

    private static String lastLine(String text) {
        String stripped = text.strip();
        int newline = stripped.lastIndexOf('\n');
        String line = newline < 0 ? stripped : stripped.substring(newline + 1);
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
