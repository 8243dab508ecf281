package dev.homefleet.agent.service;

import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.process.ProcessServiceManager;
import dev.homefleet.core.service.windows.WindowsServiceManager;
import dev.homefleet.pm2.Pm2ServiceManager;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The manager fleet.yaml names for a service, running its commands through the runner that reaches the service's
 * machine: locally on the agent, over SSH from the controller.
 */
public final class ServiceManagers {

    /** Builds the manager of a launchd service; supplied by the launchd module. */
    @FunctionalInterface
    public interface Launchd {
        ServiceManager of(MachineSpec machine, ServiceSpec service, CommandRunner runner) throws IOException;
    }

    /** Homebrew's pm2 is not on the PATH of a non-interactive SSH command on a Mac. */
    static final String MAC_PATH = "PATH=/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

    private final Launchd launchd;
    private final List<String> pm2;
    /** Home directories by runner (runners keep identity equality): asked once, not on every status request. */
    private final Map<CommandRunner, String> homes = new ConcurrentHashMap<>();

    /** @param pm2 the argv that runs pm2, or null for pm2 on the machine's PATH (plus Homebrew's on macOS) */
    public ServiceManagers(Launchd launchd, List<String> pm2) {
        this.launchd = launchd;
        this.pm2 = pm2;
    }

    /**
     * @return empty for a cron entry, which has no running state to manage (its runs are check-ins)
     * @throws IOException when the machine cannot be asked something the manager needs (its home directory)
     */
    public Optional<ServiceManager> forService(MachineSpec machine, ServiceSpec service, CommandRunner runner)
            throws IOException {
        return switch (service.manager().type()) {
            case LAUNCHD -> Optional.of(launchd.of(machine, service, runner));
            case PM2 -> Optional.of(new Pm2ServiceManager(runner, pm2(machine), service,
                    homeOf(runner) + "/.homefleet/pm2/ecosystem.config.js"));
            case WINDOWS -> Optional.of(WindowsServiceManager.of(service.manager(), runner));
            case PROCESS -> Optional.of(ProcessServiceManager.of(service.name(), service.manager(), runner));
            case CRON -> Optional.empty();
        };
    }

    private List<String> pm2(MachineSpec machine) {
        if (pm2 != null) {
            return pm2;
        }
        return machine.os() == MachineSpec.Os.MACOS ? List.of("/usr/bin/env", MAC_PATH, "pm2") : List.of("pm2");
    }

    private String homeOf(CommandRunner runner) throws IOException {
        String known = homes.get(runner);
        if (known != null) {
            return known;
        }
        String home = home(runner);
        homes.put(runner, home);
        return home;
    }

    /** The home directory of the user the runner runs as, on its machine (pm2 needs absolute paths). */
    static String home(CommandRunner runner) throws IOException {
        CommandResult result = runner.run(List.of("/bin/sh", "-c", "printf %s \"$HOME\""), Duration.ofSeconds(15));
        if (!result.ok() || result.stdout().isBlank()) {
            throw new IOException("cannot find the home directory through " + runner.describe() + ": "
                    + (result.timedOut() ? "timed out" : result.stderr().strip()));
        }
        return result.stdout().strip();
    }
}
