package dev.homefleet.core.service.process;

import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.core.exec.ShellQuoting;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs an argv the way SSH does: quoted into one string with {@link ShellQuoting#posix}, which a shell on the other
 * side parses again. Here that shell is this machine's /bin/sh, so the scripts cross both quoting layers for real.
 */
final class ShellStringRunner implements CommandRunner {

    private final LocalCommandRunner local = new LocalCommandRunner();

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        return local.run(List.of("/bin/sh", "-c", ShellQuoting.posix(argv)), timeout);
    }

    @Override
    public String describe() {
        return "sh -c (as over ssh)";
    }
}
