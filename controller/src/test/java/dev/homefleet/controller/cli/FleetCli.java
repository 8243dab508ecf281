package dev.homefleet.controller.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/** Runs the real command line in a world of a test's making and keeps what it printed. */
final class FleetCli {
    record Run(int exitCode, String out, String err) {}

    static Run run(Path cwd, Path home, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = FleetCommand.commandLine(new CliContext(env, cwd, home));
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private FleetCli() {}
}
