package dev.homefleet.launchd.render;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.launchd.plist.KeepAlive;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.launchd.plist.LaunchdSchedule;
import java.util.Locale;

/**
 * The plist of a fleet.yaml launchd service, from its manager's {@code command}, {@code cwd}, {@code env} and
 * {@code schedule}:
 *
 * <ul>
 *   <li>a long-running service (no schedule) with {@code auto_start} starts at load and is restarted after an
 *       unsuccessful exit (KeepAlive SuccessfulExit false), at most every 10 s; without {@code auto_start} it only
 *       runs when started;</li>
 *   <li>a scheduled one runs on its StartInterval or StartCalendarInterval, and is neither started at load nor kept
 *       alive;</li>
 *   <li>its output goes to {@code ~/Library/Logs/homefleet/SERVICE.out.log} and {@code .err.log}
 *       ({@code /Library/Logs/homefleet/} for the system domain).</li>
 * </ul>
 * A leading {@code ~} in the command's words and in cwd is expanded as a shell would, since launchd does not.
 */
public final class ServicePlist {

    public static final int THROTTLE_INTERVAL_SECONDS = 10;

    private ServicePlist() {}

    /**
     * @param home the home directory on the service's machine, for {@code ~}
     * @throws IllegalArgumentException naming the key that is missing or that launchd cannot express
     */
    public static LaunchdJob render(String machine, String service, ServiceSpec spec, String home) {
        String at = "machines." + machine + ".services." + service + ".manager";
        ManagerSpec manager = spec.manager();
        if (manager.type() != ManagerSpec.Type.LAUNCHD) {
            throw new IllegalArgumentException(service + " on " + machine + " is managed by "
                    + manager.type().name().toLowerCase(Locale.ROOT) + ", not launchd");
        }
        if (manager.command().isEmpty()) {
            throw new IllegalArgumentException(at + " has no 'command': add the program and its arguments "
                    + "(command: [/path/to/program, arg]) so homefleet can write the plist's ProgramArguments");
        }
        String logs = manager.domain() == ManagerSpec.Domain.SYSTEM ? "/Library/Logs/homefleet"
                : HomefleetAgents.logsDirectory(home);
        LaunchdJob.Builder job = LaunchdJob.builder(manager.label())
                .programArguments(manager.command().stream().map(word -> expandHome(word, home)).toList())
                .environmentVariables(manager.env())
                .workingDirectory(manager.cwd() == null ? null : expandHome(manager.cwd(), home))
                .throttleInterval(THROTTLE_INTERVAL_SECONDS)
                .standardOutPath(logs + "/" + service + ".out.log")
                .standardErrorPath(logs + "/" + service + ".err.log");
        if (manager.schedule() != null) {
            LaunchdSchedule schedule;
            try {
                schedule = LaunchdSchedule.of(manager.schedule());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ".schedule: " + e.getMessage(), e);
            }
            job.startInterval(schedule.startInterval()).startCalendarInterval(schedule.calendarIntervals());
        } else if (spec.autoStart()) {
            job.runAtLoad(true).keepAlive(KeepAlive.unlessSuccessfulExit());
        } else {
            job.runAtLoad(false);
        }
        return job.build();
    }

    static String expandHome(String word, String home) {
        String base = home.endsWith("/") && home.length() > 1 ? home.substring(0, home.length() - 1) : home;
        if (word.equals("~")) {
            return base;
        }
        return word.startsWith("~/") ? base + word.substring(1) : word;
    }
}
