package dev.homefleet.controller.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.homefleet.core.exec.CommandResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** Many commands at once on one runner, each from its own thread. */
final class Concurrently {
    private Concurrently() {}

    /** Runs {@code count} commands that each sleep a little and print their number; asserts each got its own. */
    static void eachCommandGetsItsOwnOutput(SshCommandRunner runner, int count, String sleep) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<CommandResult>> results = IntStream.range(0, count)
                    .mapToObj(i -> pool.submit(() -> runner.run(
                            List.of("sh", "-c", "sleep " + sleep + "; printf %s \"$1\"", "sh", "n" + i),
                            Duration.ofSeconds(20))))
                    .toList();
            for (int i = 0; i < count; i++) {
                CommandResult result = results.get(i).get(30, TimeUnit.SECONDS);
                assertThat(result.exitCode()).as(result.stderr()).isZero();
                assertThat(result.stdout()).isEqualTo("n" + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
