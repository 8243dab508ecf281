package dev.homefleet.controller.clean;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Runners for what this machine cannot show for real: a program it lacks, a race, a machine that must not be used. */
final class Runners {

    private Runners() {}

    /** What a stand-in for one program answers. */
    @FunctionalInterface
    interface Answer {
        CommandResult run(List<String> argv, Duration timeout) throws IOException;
    }

    /** {@code real} for every program but {@code program}, which {@code answer} stands in for. */
    static CommandRunner intercepting(CommandRunner real, String program, Answer answer) {
        return new CommandRunner() {
            @Override
            public CommandResult run(List<String> argv, Duration timeout) throws IOException {
                return argv.get(0).equals(program) ? answer.run(argv, timeout) : real.run(argv, timeout);
            }

            @Override
            public String describe() {
                return real.describe();
            }
        };
    }

    /** A runner that fails the test if anything is run through it. */
    static CommandRunner refusing(String describe) {
        return new CommandRunner() {
            @Override
            public CommandResult run(List<String> argv, Duration timeout) {
                throw new AssertionError("nothing should run on " + describe + ", was asked " + argv);
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }
}
