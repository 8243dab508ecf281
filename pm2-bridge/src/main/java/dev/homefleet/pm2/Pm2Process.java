package dev.homefleet.pm2;

import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code pm2 jlist}: a process pm2 knows, whatever its state.
 *
 * @param pid        the OS process id; 0 when nothing runs
 * @param status     pm2's word: online, launching, stopping, stopped, errored, waiting restart, one-launch-status
 * @param startedAt  when pm2 last started it ({@code pm2_env.pm_uptime}, the machine's clock), or null
 * @param exitCode   how its last run ended ({@code pm2_env.exit_code}), or null when it has not ended yet
 * @param env        the environment pm2 gives the process ({@code pm2_env.env}): the ecosystem's env on top of the
 *                   environment of the pm2 command that started it
 * @param launch     how pm2 starts it: what an ecosystem entry for it would say
 */
public record Pm2Process(String name, int pmId, int pid, String status, int restarts, Instant startedAt,
        double cpuPercent, long memoryBytes, Integer exitCode, Map<String, String> env, Launch launch) {

    public Pm2Process {
        env = Map.copyOf(env);
        launch = launch == null ? Launch.UNKNOWN : launch;
    }

    /**
     * How pm2 starts the process, as {@code pm2 jlist} tells it.
     *
     * @param script      {@code pm2_env.pm_exec_path}: the script or program, an absolute path; null when not told
     * @param args        {@code pm2_env.args}: its arguments
     * @param cwd         {@code pm2_env.pm_cwd}: the directory it runs in; null when not told
     * @param interpreter {@code pm2_env.exec_interpreter}: {@code node}, {@code python3}, {@code none} (the script is
     *                    a program); null when not told
     */
    public record Launch(String script, List<String> args, String cwd, String interpreter) {
        public static final Launch UNKNOWN = new Launch(null, List.of(), null, null);

        public Launch {
            args = args == null ? List.of() : List.copyOf(args);
        }
    }

    /** What this process is as a {@link ServiceState}, its uptime counted up to {@code now}. */
    public ServiceState state(Instant now) {
        State state = switch (status) {
            case "online" -> State.RUNNING;
            // "waiting restart": crashed, and pm2 starts it again after restart_delay or its backoff.
            case "launching", "waiting restart" -> State.STARTING;
            case "stopping" -> State.STOPPING;
            // "one-launch-status": an app without autorestart that has exited.
            case "stopped", "one-launch-status" -> State.STOPPED;
            case "errored" -> State.ERRORED;
            default -> State.UNKNOWN;
        };
        // A process waiting for its restart keeps the pid of the run that ended.
        boolean alive = pid > 0 && (state == State.RUNNING || state == State.STOPPING || status.equals("launching"));
        Duration uptime = alive && startedAt != null ? positive(Duration.between(startedAt, now)) : null;
        return new ServiceState(state, alive ? pid : -1, restarts, uptime, alive ? cpuPercent : -1,
                alive ? memoryBytes : -1, exitCode, status);
    }

    /** The machine's clock may run ahead of ours; an uptime is never negative. */
    private static Duration positive(Duration duration) {
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
