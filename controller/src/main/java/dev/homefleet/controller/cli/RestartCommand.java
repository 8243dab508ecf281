package dev.homefleet.controller.cli;

import dev.homefleet.agent.service.Managers;
import dev.homefleet.agent.service.ServiceManagers;
import dev.homefleet.controller.reach.FleetReach;
import dev.homefleet.controller.reach.Restarts;
import dev.homefleet.controller.ssh.SshRunners;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.LocalCommandRunner;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Restart one service through its manager: through the machine's agent when it has one, else "
                + "locally or over SSH. Use it after fixing a service the healer gave up on: once it stays up, the "
                + "healer looks after it again.", "Exits 1 when the restart failed."})
final class RestartCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Parameters(paramLabel = "MACHINE/SERVICE", description = "The service, e.g. macmini/aphos-server-dev.")
    String target;

    RestartCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        int slash = target.indexOf('/');
        if (slash <= 0 || slash == target.length() - 1) {
            throw new FleetCommand.UsageException("'" + target + "' is not MACHINE/SERVICE, e.g. macmini/aphos-server-dev");
        }
        LoadResult result = options.load(context);
        if (!result.ok()) {
            return Output.refuse(spec.commandLine().getErr(), result, "; fix them first");
        }
        FleetConfig config = result.config();
        String machineName = target.substring(0, slash);
        String serviceName = target.substring(slash + 1);
        MachineSpec machine = config.machines().get(machineName);
        if (machine == null) {
            throw new FleetCommand.UsageException("no machine '" + machineName + "' in fleet.yaml; the machines are "
                    + String.join(", ", config.machines().keySet()));
        }
        ServiceSpec service = machine.services().get(serviceName);
        if (service == null) {
            throw new FleetCommand.UsageException("no service '" + serviceName + "' on " + machineName
                    + "; its services are " + String.join(", ", machine.services().keySet()));
        }
        LocalCommandRunner.Builder local = LocalCommandRunner.builder().environment("HOME", context.home().toString());
        ApplyCommand.PASSED_ON.forEach(name -> {
            String value = context.environment().get(name);
            if (value != null) {
                local.environment(name, value);
            }
        });
        String pm2 = context.environment().get(ApplyCommand.ENV_PM2);
        ServiceManagers managers = Managers.withPm2(pm2 == null ? null : List.of(pm2));
        OkHttpClient http = new OkHttpClient();
        try (FleetReach reach = new FleetReach(config, context.environment(), context.home(), local.build(),
                () -> SshRunners.create(context.home(), System.getProperty("user.name")), http)) {
            String via = Restarts.restart(reach, managers, machine, service);
            spec.commandLine().getOut().println(target + ": restarted through " + via);
            return ExitCodes.OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("fleet: cannot restart " + target + ": " + e.getMessage());
            return ExitCodes.FINDING;
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
