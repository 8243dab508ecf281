package dev.homefleet.controller.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "ssh", mixinStandardHelpOptions = true, description = "SSH reach: host keys.")
final class SshCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: fleet ssh trust MACHINE");
    }
}
