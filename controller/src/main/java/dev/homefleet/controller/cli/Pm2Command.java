package dev.homefleet.controller.cli;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.pm2.EcosystemException;
import dev.homefleet.pm2.EcosystemFile;
import dev.homefleet.pm2.EcosystemWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code fleet pm2}: PM2 on the fleet's machines. */
@Command(name = "pm2", mixinStandardHelpOptions = true, description = "PM2 on the fleet's machines.")
public final class Pm2Command implements Runnable {

    @Spec
    CommandSpec spec;

    /** {@code fleet pm2} with its subcommands, for {@code FleetCommand} to add. */
    public static CommandLine commandLine(CliContext context) {
        return new CommandLine(new Pm2Command()).addSubcommand(new Ecosystem(context));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a pm2 command, e.g. fleet pm2 ecosystem "
                + "macmini");
    }

    @Command(name = "ecosystem", mixinStandardHelpOptions = true,
            description = {"Print the pm2 ecosystem file of a machine's pm2 services, as fleet.yaml describes them: "
                    + "name, script, args, cwd, interpreter, and env with PORT from the service's port.",
                    "Exits 1 when the machine has no pm2 services or fleet.yaml is wrong, 2 for an unknown machine."},
            footer = {"", "Example: fleet pm2 ecosystem macmini --output ecosystem.config.js",
                    "then, on the machine: pm2 start ecosystem.config.js && pm2 save"})
    static final class Ecosystem implements Callable<Integer> {

        private static final String SUFFIX = ".config.js";

        private final CliContext context;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions options = new ConfigOptions();

        @Parameters(index = "0", paramLabel = "MACHINE", description = "A machine of fleet.yaml.")
        String machine;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Write the file here (readable by you only: env can hold secrets) instead of printing "
                        + "it. Its name ends in " + SUFFIX + ", or pm2 runs it as a script.")
        Path output;

        Ecosystem(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (output != null && !output.getFileName().toString().endsWith(SUFFIX)) {
                throw new FleetCommand.UsageException("--output " + output + ": pm2 reads a file as an ecosystem "
                        + "file only when its name ends in " + SUFFIX + " (it runs any other .js); name it e.g. "
                        + "ecosystem" + SUFFIX);
            }
            LoadResult result = options.load(context);
            if (!result.ok()) {
                return Output.refuse(err, result, "");
            }
            FleetConfig config = result.config();
            PortsCommand.machineOption(config, machine);
            MachineSpec machineSpec = config.machines().get(machine);
            if (EcosystemWriter.pm2Services(machineSpec).isEmpty()) {
                err.println("fleet: machine " + machine + " has no pm2 services (services with manager type: pm2); "
                        + "there is no ecosystem file to write");
                return ExitCodes.FINDING;
            }
            EcosystemFile file;
            try {
                file = EcosystemWriter.forMachine(machine, machineSpec);
            } catch (EcosystemException e) {
                e.problems().forEach(problem -> err.println(result.file() + ": " + problem));
                int count = e.problems().size();
                err.println(result.file() + ": " + count + (count == 1 ? " error" : " errors")
                        + " in the pm2 services of " + machine);
                return ExitCodes.FINDING;
            }
            if (output == null) {
                out.print(file.render());
                out.flush();
                return ExitCodes.OK;
            }
            Path target = context.workingDirectory().resolve(output);
            try {
                write(target, file.render());
            } catch (IOException e) {
                err.println("fleet: cannot write " + output + ": " + e);
                return ExitCodes.FINDING;
            }
            out.println("wrote " + output + ": " + String.join(", ", file.appNames()) + " (pm2 services of "
                    + machine + ")");
            return ExitCodes.OK;
        }

        /** Whole or not at all: a pm2 that reads the file meanwhile sees the old one or the new one. */
        private static void write(Path target, String text) throws IOException {
            Path dir = Files.createDirectories(target.toAbsolutePath().getParent());
            // rw------- on POSIX, as every file Files.createTempFile makes
            Path temporary = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                try {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        }
    }
}
