package dev.homefleet.controller.cli;

/** The {@code fleet} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(FleetCommand.commandLine(CliContext.system()).execute(args));
    }
}
