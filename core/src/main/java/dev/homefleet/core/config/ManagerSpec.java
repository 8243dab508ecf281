package dev.homefleet.core.config;

import static dev.homefleet.core.config.Defaults.list;
import static dev.homefleet.core.config.Defaults.map;

import java.util.List;
import java.util.Map;

/**
 * What starts, stops and watches a service. Which keys apply depends on {@code type}:
 * launchd: label, plist, domain, and to write its plist command, cwd, env, schedule (StartInterval or
 * StartCalendarInterval); pm2: name, script, args, cwd, interpreter, env; windows: name;
 * process: command, cwd, env; cron: schedule, command.
 */
public record ManagerSpec(
        @Required Type type,
        String label,
        String plist,
        Domain domain,
        String name,
        String script,
        List<String> args,
        String cwd,
        String interpreter,
        Map<String, String> env,
        List<String> command,
        Schedule schedule) {

    public enum Type { LAUNCHD, PM2, WINDOWS, PROCESS, CRON }

    /** launchd's domains: a user's LaunchAgents (gui/UID) or the system's LaunchDaemons. */
    public enum Domain { GUI, SYSTEM }

    public ManagerSpec {
        args = list(args);
        env = map(env);
        command = list(command);
    }

    /** The manager's own name for the service: launchd label, pm2 or Windows service name. */
    public String id() {
        return type == Type.LAUNCHD ? label : name;
    }
}
