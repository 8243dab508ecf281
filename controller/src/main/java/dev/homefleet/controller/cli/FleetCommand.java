package dev.homefleet.controller.cli;

import dev.homefleet.agent.AgentCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "fleet",
        mixinStandardHelpOptions = true,
        versionProvider = FleetCommand.Version.class,
        description = "Manage a homelab fleet described by one fleet.yaml.",
        footer = {"", "Exit codes: 0 OK, 1 something wrong was found, 2 bad usage or no fleet file.",
                "Configuration reference: docs/fleet-yaml.md"})
public final class FleetCommand implements Runnable {

    @Spec
    CommandSpec spec;

    /** The whole command line, wired to {@code context}; tests and {@link Main} both start here. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine line = new CommandLine(new FleetCommand());
        line.addSubcommand(new ValidateCommand(context));
        line.addSubcommand(new CommandLine(new PortsCommand(context)).addSubcommand(new PortsSuggestCommand(context)));
        line.addSubcommand(new CommandLine(new ConfigCommand()).addSubcommand(new ConfigShowCommand(context)));
        // Everything after the machine belongs to the remote command, options and @words included.
        line.addSubcommand(new CommandLine(new ExecCommand(context)).setStopAtPositional(true));
        line.addSubcommand(new AgentCommand(context.environment(), context.home()));
        line.addSubcommand(new NodeCommand(context));
        line.addSubcommand(new CommandLine(new SshCommand()).addSubcommand(new SshTrustCommand(context)));
        line.addSubcommand(new DiscoverCommand(context));
        line.addSubcommand(Pm2Command.commandLine(context));
        line.addSubcommand(new ApplyCommand(context));
        line.addSubcommand(LaunchdCommand.commandLine(context));
        line.addSubcommand(new ControllerCommand(context));
        line.addSubcommand(new StatusCommand(context));
        line.addSubcommand(JobsCommand.commandLine(context));
        line.addSubcommand(new ReportCommand(context));
        line.addSubcommand(new RestartCommand(context));
        line.addSubcommand(new LoginLinkCommand(context));
        line.addSubcommand(AlertCommand.commandLine(context));
        line.addSubcommand(FailoverCommand.commandLine(context));
        line.addSubcommand(new DemoCommand(context));
        line.addSubcommand(new InitCommand(context));
        line.setExecutionExceptionHandler(new Errors());
        line.setExpandAtFiles(false); // an argument like @notes.txt is an argument, not a file to read
        line.setCaseInsensitiveEnumValuesAllowed(true);
        return line;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. fleet validate");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FleetCommand.class.getPackage().getImplementationVersion();
            return new String[] {"homefleet " + (version == null ? "(development build)" : version)};
        }
    }

    /** Expected failures print one line that says what to do; only bugs print a stack trace. */
    static final class Errors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine line, CommandLine.ParseResult parsed) {
            if (e instanceof ConfigOptions.NoConfigException || e instanceof UsageException) {
                line.getErr().println("fleet: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            line.getErr().println("fleet: internal error, please report it: " + e);
            e.printStackTrace(line.getErr());
            return ExitCodes.FINDING;
        }
    }

    /** A well-formed command line that asks for something that does not exist (an unknown machine). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
