package dev.homefleet.bench;

import dev.homefleet.controller.ssh.SshCommandRunner;
import dev.homefleet.core.exec.CommandResult;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * One short command, run one at a time as a CLI user would, three ways against one server: OpenSSH's {@code ssh} per
 * command, {@code ssh} through a ControlMaster, and homefleet's pooled MINA session. The three take turns within every
 * round (the order rotating), so a slow spell of the machine falls on all of them alike.
 */
final class CommandBench {

    static final String COMMAND = "true";
    static final int WARMUP_RUNS = 5;
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** Goals of the issue: the pooled session at least as fast as ControlMaster, 2.5x faster than ssh per command. */
    static final double MAX_POOLED_OVER_MASTER = 1.0;
    static final double MIN_PER_COMMAND_OVER_POOLED = 2.5;

    enum Way {
        PER_COMMAND("`ssh` per command", "one per command"),
        CONTROL_MASTER("`ssh` via ControlMaster", "1 (the master)"),
        POOLED("pooled MINA session", "1");

        final String label;
        final String connections;

        Way(String label, String connections) {
            this.label = label;
            this.connections = connections;
        }
    }

    /**
     * @param logins how many logins the server accepted so far, or null when it cannot tell
     */
    record Server(String name, OpenSshCli cli, SshCommandRunner pooled, LoginCounter logins) {}

    @FunctionalInterface
    interface LoginCounter {
        long count() throws IOException;
    }

    record Result(String server, Samples perCommand, Samples master, Samples pooled, int pooledSessions,
            String loginCheck) {
        Samples of(Way path) {
            return switch (path) {
                case PER_COMMAND -> perCommand;
                case CONTROL_MASTER -> master;
                case POOLED -> pooled;
            };
        }

        double pooledOverMaster() {
            return pooled.medianMillis() / master.medianMillis();
        }

        double perCommandOverPooled() {
            return perCommand.medianMillis() / pooled.medianMillis();
        }
    }

    private final PrintStream progress;
    private final Cleanup cleanup;

    CommandBench(PrintStream progress, Cleanup cleanup) {
        this.progress = progress;
        this.cleanup = cleanup;
    }

    Result run(Server server, int rounds) throws Exception {
        long loginsBefore = server.logins() == null ? 0 : server.logins().count();
        int sessionsBefore = server.pooled().sessionsOpened();
        OpenSshCli.Master master = cleanup.add("ssh ControlMaster for " + server.name(),
                server.cli().startMaster());
        Samples perCommand = new Samples(rounds);
        Samples multiplexed = new Samples(rounds);
        Samples pooled = new Samples(rounds);
        try {
            progress.printf("bench: %s: warming up each path %d times%n", server.name(), WARMUP_RUNS);
            for (int i = 0; i < WARMUP_RUNS; i++) {
                for (Way path : Way.values()) {
                    once(server, path);
                }
            }
            progress.printf("bench: %s: %d rounds of %s, one command at a time%n", server.name(), rounds,
                    List.of(Way.values()));
            Way[] ways = Way.values();
            for (int round = 0; round < rounds; round++) {
                for (int turn = 0; turn < ways.length; turn++) {
                    Way path = ways[(round + turn) % ways.length];
                    long took = once(server, path);
                    switch (path) {
                        case PER_COMMAND -> perCommand.add(took);
                        case CONTROL_MASTER -> multiplexed.add(took);
                        case POOLED -> pooled.add(took);
                    }
                }
            }
            if (!master.alive()) {
                throw new IOException(server.name() + ": the ControlMaster died during the run, so `ssh` via "
                        + "ControlMaster may have fallen back to connections of its own");
            }
        } finally {
            master.close();
        }
        String loginCheck = "";
        if (server.logins() != null) {
            long logins = server.logins().count() - loginsBefore;
            int sessions = server.pooled().sessionsOpened() - sessionsBefore;
            long expected = (long) WARMUP_RUNS + rounds + 1 + sessions;
            if (logins != expected) {
                throw new IOException(server.name() + " accepted " + logins + " logins during the run, expected "
                        + expected + " (" + (WARMUP_RUNS + rounds) + " `ssh` per command, 1 ControlMaster, "
                        + sessions + " pooled): a path did not connect the way it is labelled");
            }
            loginCheck = logins + " logins: " + (WARMUP_RUNS + rounds) + " from `ssh` per command, 1 ControlMaster, "
                    + sessions + " pooled session";
        }
        return new Result(server.name(), perCommand, multiplexed, pooled, server.pooled().sessionsOpened(),
                loginCheck);
    }

    private static long once(Server server, Way path) throws IOException, InterruptedException {
        return switch (path) {
            case PER_COMMAND -> server.cli().perCommand(COMMAND);
            case CONTROL_MASTER -> server.cli().multiplexed(COMMAND);
            case POOLED -> {
                long started = System.nanoTime();
                CommandResult result = server.pooled().run(List.of(COMMAND), TIMEOUT);
                long took = System.nanoTime() - started;
                if (!result.ok()) {
                    throw new IOException(server.name() + ": `" + COMMAND + "` over the pooled session failed (exit "
                            + result.exitCode() + (result.timedOut() ? ", timed out" : "") + "): " + result.stderr());
                }
                yield took;
            }
        };
    }

    static void report(Report report, List<Result> results, int rounds) {
        report.heading("SSH: one short command, " + rounds + " times per path")
                .line("`" + COMMAND + "`, one command at a time, the three paths taking turns; after " + WARMUP_RUNS
                        + " warm-up runs each.")
                .blank();
        Report.Table figures = report.table("server", "path", "SSH connections", "median", "p90");
        for (Result r : results) {
            for (Way path : Way.values()) {
                String connections = path == Way.POOLED ? Integer.toString(r.pooledSessions()) : path.connections;
                figures.row(r.server(), path.label, connections, Report.millis(r.of(path).medianMillis()),
                        Report.millis(r.of(path).percentileMillis(90)));
            }
        }
        figures.end();
        Report.Table goals = report.table("server", "ratio of medians", "value", "goal", "verdict");
        for (Result r : results) {
            goals.row(r.server(), "pooled MINA / ControlMaster", Report.ratio(r.pooledOverMaster()),
                    "<= " + Report.ratio(MAX_POOLED_OVER_MASTER),
                    Report.verdict(r.pooledOverMaster() <= MAX_POOLED_OVER_MASTER));
            goals.row(r.server(), "`ssh` per command / pooled MINA", Report.ratio(r.perCommandOverPooled()),
                    ">= " + Report.ratio(MIN_PER_COMMAND_OVER_POOLED),
                    Report.verdict(r.perCommandOverPooled() >= MIN_PER_COMMAND_OVER_POOLED));
        }
        goals.end();
        results.stream().filter(r -> !r.loginCheck().isEmpty())
                .forEach(r -> report.note(r.server() + " accepted " + r.loginCheck() + ", as labelled."));
        report.blank();
    }
}
