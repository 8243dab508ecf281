package dev.homefleet.core.service.process;

import dev.homefleet.core.exec.ShellQuoting;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * The POSIX sh scripts behind {@link ProcessServiceManager}. Each runs as {@code /bin/sh -c SCRIPT}, so it works the
 * same through a local runner and over SSH; every value in them (paths, the command, env file contents) is quoted
 * with {@link ShellQuoting#posix}.
 *
 * <p>The state directory holds {@code pid} (four lines: the service's pid, its supervisor's pid, the service's
 * identity, the epoch second it started), {@code exit} ({@code STATUS ENDED SUPERVISOR}, written by the supervisor
 * when the service ends), {@code log} and {@code env}. The identity is the process's start time: field 22 of
 * {@code /proc/PID/stat} where there is a /proc (Linux), else {@code ps -o lstart=} in UTC (macOS). A pid that now
 * belongs to another process has another start time, so a stale pid file never passes for a running service.
 */
final class ProcessScripts {

    /** How many log lines a report carries when the service is not running. */
    static final int REPORT_LOG_LINES = 10;
    /** How long start waits for the supervisor's pid file, in tenths of a second. */
    static final int PID_FILE_WAIT_TENTHS = 50;
    /** How long stop waits for a killed process to go, in tenths of a second. */
    static final int KILL_WAIT_TENTHS = 50;

    /*
     * alive: the pid runs and is not a zombie (kill -0 succeeds on a zombie, and an init that never reaps, as in some
     * containers, leaves them for good). ident: its start time. pgid: its process group. report gives a supervisor
     * whose service just ended up to a second to write the exit file.
     */
    static final String FUNCTIONS = """
            alive() {
              case $1 in ''|*[!0-9]*) return 1 ;; esac
              if [ -r "/proc/$1/stat" ]; then
                s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
              else
                s=$(ps -o stat= -p "$1" 2>/dev/null | tr -d ' ' | cut -c1)
              fi
              case $s in ''|Z|X) return 1 ;; esac
              return 0
            }
            ident() {
              case $1 in ''|*[!0-9]*) return 0 ;; esac
              if [ -r "/proc/$1/stat" ]; then
                t=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20)
                if [ -n "$t" ]; then printf 'proc:%s\\n' "$t"; fi
              else
                t=$(LC_ALL=C TZ=UTC0 ps -o lstart= -p "$1" 2>/dev/null | tr -s ' ' | sed 's/^ //;s/ $//')
                if [ -n "$t" ]; then printf 'ps:%s\\n' "$t"; fi
              fi
              return 0
            }
            pgid() {
              if [ -r "/proc/$1/stat" ]; then
                sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f3
              else
                ps -o pgid= -p "$1" 2>/dev/null | tr -d ' '
              fi
            }
            readpid() {
              pid= wrapper= id= started=
              if [ -f "$d/pid" ]; then
                { read -r pid; read -r wrapper; read -r id; read -r started; } < "$d/pid"
              fi
            }
            running() {
              alive "$pid" && [ "$(ident "$pid")" = "$id" ]
            }
            report() {
              echo "now=$(date +%s)"
              if [ -z "$pid" ]; then
                echo pidfile=no
              else
                echo pidfile=yes
                echo "pid=$pid"
                echo "started=$started"
                if alive "$pid"; then
                  if [ "$(ident "$pid")" = "$id" ]; then
                    echo alive=yes
                    echo "etime=$(ps -o etime= -p "$pid" 2>/dev/null | tr -d ' ')"
                    return 0
                  fi
                  echo alive=reused
                  return 0
                fi
                echo alive=no
                i=0
                while [ ! -f "$d/exit" ] && alive "$wrapper" && [ "$i" -lt 10 ]; do sleep 0.1; i=$((i + 1)); done
                if [ -f "$d/exit" ]; then
                  code= ended= by=
                  read -r code ended by < "$d/exit"
                  if [ "$by" = "$wrapper" ]; then
                    echo "exit=$code"
                    echo "ended=$ended"
                  fi
                fi
              fi
              echo '--- log'
              tail -n LOG_LINES "$d/log" 2>/dev/null
              return 0
            }
            """.replace("LOG_LINES", Integer.toString(REPORT_LOG_LINES));

    /*
     * The supervisor: its own session and process group when setsid exists, so that stop reaches everything the
     * service started. It runs the service in the foreground, so that it learns how it ended, and survives the TERM
     * that stop sends the group to record it. Its own stderr goes nowhere, and the service's redirection is made
     * inside a subshell: dash would otherwise write "Terminated" into the service's log. $1 the state directory, $2
     * the service script, then its arguments.
     */
    static final String SUPERVISOR = """
            d=$1
            service=$2
            shift 2
            trap : TERM HUP
            exec 3>&2 2>/dev/null
            (exec /bin/sh -c "$service" homefleet-service "$d" "$@" 2>&3 3>&-)
            code=$?
            printf '%s %s %s\\n' "$code" "$(date +%s)" "$$" > "$d/exit.new" && mv -f "$d/exit.new" "$d/exit"
            """;

    /*
     * The service: writes the pid file for its own pid (which exec keeps), enters the working directory, takes the
     * env file's variables on top of the environment it inherited, and becomes the command. $1 the state directory,
     * $2 the working directory or "", then the command.
     */
    static final String SERVICE = """
            d=$1
            cwd=$2
            shift 2
            """ + FUNCTIONS + """
            printf '%s\\n%s\\n%s\\n%s\\n' "$$" "$PPID" "$(ident "$$")" "$(date +%s)" > "$d/pid.new" \\
              && mv -f "$d/pid.new" "$d/pid" || exit 125
            if [ -n "$cwd" ]; then cd "$cwd" || exit 126; fi
            if [ -f "$d/env" ]; then set -a; . "$d/env"; set +a; fi
            exec "$@"
            """;

    private ProcessScripts() {}

    static List<String> argv(String script) {
        return List.of("/bin/sh", "-c", script);
    }

    /** {@code path} as a shell word: quoted, except that a leading {@code ~} becomes {@code "$HOME"}. */
    static String path(String path) {
        if (path.equals("~")) {
            return "\"$HOME\"";
        }
        if (path.startsWith("~/")) {
            String rest = path.substring(2);
            return rest.isEmpty() ? "\"$HOME\"/" : "\"$HOME\"/" + word(rest);
        }
        return word(path);
    }

    /** One word quoted for sh. */
    static String word(String value) {
        return ShellQuoting.posix(List.of(value));
    }

    static String start(String stateDirectory, String cwd, List<String> command, Duration settle) {
        return """
                d=%s
                mkdir -p "$d" && chmod 700 "$d" && d=$(cd "$d" && pwd) \\
                  || { echo "homefleet: cannot use $d as the state directory" >&2; exit 3; }
                %sreadpid
                if running; then
                  echo result=already
                  report
                  exit 0
                fi
                cwd=%s
                if [ -n "$cwd" ] && [ ! -d "$cwd" ]; then
                  echo "homefleet: the working directory $cwd does not exist" >&2
                  exit 3
                fi
                rm -f "$d/pid" "$d/exit"
                (umask 077 && : >> "$d/log") || exit 3
                if command -v setsid >/dev/null 2>&1; then detach=setsid; else detach=nohup; fi
                "$detach" /bin/sh -c %s homefleet-supervisor "$d" %s "$cwd" %s </dev/null >>"$d/log" 2>&1 &
                i=0
                while [ ! -f "$d/pid" ] && [ "$i" -lt %d ]; do sleep 0.1; i=$((i + 1)); done
                sleep %s
                readpid
                echo result=started
                report
                """.formatted(path(stateDirectory), FUNCTIONS, cwd == null ? "''" : path(cwd), word(SUPERVISOR),
                word(SERVICE), ShellQuoting.posix(command), PID_FILE_WAIT_TENTHS, seconds(settle));
    }

    static String status(String stateDirectory) {
        return "d=" + path(stateDirectory) + "\n" + FUNCTIONS + "readpid\nreport\n";
    }

    /**
     * TERM to the process group when the service leads one with its supervisor, else to the service alone; KILL the
     * same way after the grace period, but only while the pid still is the service (not a process that took it).
     */
    static String stop(String stateDirectory, Duration grace) {
        return """
                d=%s
                %ssignal() {
                  target=$pid
                  if [ "$(pgid "$pid")" = "$wrapper" ]; then target=-$wrapper; fi
                  kill -s "$1" -- "$target" 2>/dev/null
                }
                await_end() {
                  i=0
                  while alive "$pid" && [ "$i" -lt "$1" ]; do sleep 0.1; i=$((i + 1)); done
                }
                readpid
                if ! running; then
                  rm -f "$d/pid"
                  echo result=not-running
                  exit 0
                fi
                signal TERM
                await_end %d
                if alive "$pid"; then
                  if running; then signal KILL; fi
                  await_end %d
                  if alive "$pid"; then
                    echo "homefleet: process $pid is still alive after SIGKILL" >&2
                    exit 4
                  fi
                  echo result=killed
                else
                  echo result=stopped
                fi
                rm -f "$d/pid"
                """.formatted(path(stateDirectory), FUNCTIONS, tenths(grace), KILL_WAIT_TENTHS);
    }

    static String logs(String stateDirectory, int lines) {
        return "tail -n " + lines + " " + path(stateDirectory) + "/log 2>/dev/null\nexit 0\n";
    }

    static String readEnvironment(String stateDirectory) {
        return "f=" + path(stateDirectory) + "/env\nif [ -f \"$f\" ]; then cat \"$f\"; fi\n";
    }

    static String writeEnvironment(String stateDirectory, String content) {
        return """
                d=%s
                mkdir -p "$d" && chmod 700 "$d" || exit 3
                (umask 077 && printf '%%s' %s > "$d/env.new.$$") && mv -f "$d/env.new.$$" "$d/env"
                """.formatted(path(stateDirectory), word(content));
    }

    /** Whole tenths of a second, rounded up, at least one. */
    static int tenths(Duration duration) {
        return (int) Math.max(1, (duration.toMillis() + 99) / 100);
    }

    /** Seconds with up to three decimals, as sleep takes them: {@code 0.25}, {@code 1}. */
    static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
