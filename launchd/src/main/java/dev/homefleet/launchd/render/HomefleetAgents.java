package dev.homefleet.launchd.render;

import com.dd.plist.NSDictionary;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.launchd.plist.PlistException;
import dev.homefleet.launchd.plist.PlistReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The LaunchAgents of homefleet's own daemons, from the templates in {@code launchd/templates/} (shipped in the jar):
 * the jar run with the flags of jvm.options, started at login, restarted after any unsuccessful exit but at most
 * every 10 seconds, with their output under {@code ~/Library/Logs/homefleet/} and the fleet file in
 * {@code HOMEFLEET_CONFIG}.
 */
public final class HomefleetAgents {

    /** Where the templates are on the class path. */
    static final String TEMPLATES = "/dev/homefleet/launchd/templates/";

    /** One of homefleet's daemons. */
    public enum Daemon {
        CONTROLLER("dev.homefleet.controller", "controller"),
        AGENT("dev.homefleet.agent", "agent");

        private final String label;
        private final String command;

        Daemon(String label, String command) {
            this.label = label;
            this.command = command;
        }

        public String label() {
            return label;
        }

        /** The {@code fleet} subcommand its ProgramArguments run; also its name on the command line and in logs. */
        public String command() {
            return command;
        }

        public String templateFile() {
            return label + ".plist";
        }
    }

    /**
     * What fills a template; every path absolute, as launchd expands neither {@code ~} nor variables.
     *
     * @param java       the java executable
     * @param jvmOptions the flags of jvm.options
     * @param jar        the installed homefleet jar
     * @param config     the fleet file, for HOMEFLEET_CONFIG
     * @param home       the user's home directory: the working directory, and where LaunchAgents and logs are
     * @param args       further arguments to the daemon's command (the agent's {@code --machine NAME}), or none
     */
    public record Inputs(String java, List<String> jvmOptions, String jar, String config, String home,
            List<String> args) {

        public Inputs {
            absolute("the java executable", java);
            absolute("the jar", jar);
            absolute("the fleet file", config);
            absolute("the home directory", home);
            home = home.length() > 1 && home.endsWith("/") ? home.substring(0, home.length() - 1) : home;
            jvmOptions = List.copyOf(jvmOptions);
            args = List.copyOf(args);
        }

        private static void absolute(String what, String path) {
            Objects.requireNonNull(path, what);
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException(what + " must be an absolute path, not " + path
                        + ": launchd starts jobs in / and expands neither ~ nor variables");
            }
        }
    }

    private HomefleetAgents() {}

    public static LaunchdJob render(Daemon daemon, Inputs inputs) {
        PlistTemplate template = new PlistTemplate(daemon.templateFile(),
                Map.of("java", inputs.java(), "jar", inputs.jar(), "config", inputs.config(), "home", inputs.home(),
                        "logs", logsDirectory(inputs.home())),
                Map.of("jvm_options", inputs.jvmOptions(), "args", inputs.args()));
        try {
            return LaunchdJob.fromDictionary(template.fill(template(daemon)), daemon.templateFile());
        } catch (PlistException e) {
            throw new IllegalStateException("the shipped template " + daemon.templateFile() + " is broken: "
                    + e.getMessage(), e);
        }
    }

    /** The template as shipped, placeholders and all. */
    public static NSDictionary template(Daemon daemon) {
        try (InputStream in = HomefleetAgents.class.getResourceAsStream(TEMPLATES + daemon.templateFile())) {
            if (in == null) {
                throw new IllegalStateException("the template " + daemon.templateFile() + " is missing from the jar");
            }
            return PlistReader.readDictionary(in.readAllBytes(), daemon.templateFile());
        } catch (PlistException e) {
            throw new IllegalStateException("the shipped template " + daemon.templateFile() + " is broken: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code HOME/Library/LaunchAgents/LABEL.plist}: where launchd looks for a user's agents at login. */
    public static String plistPath(Daemon daemon, String home) {
        return stripSlash(home) + "/Library/LaunchAgents/" + daemon.label() + ".plist";
    }

    /** {@code HOME/Library/Logs/homefleet}, where Console.app shows the logs under "Log Reports". */
    public static String logsDirectory(String home) {
        return stripSlash(home) + "/Library/Logs/homefleet";
    }

    private static String stripSlash(String home) {
        return home.length() > 1 && home.endsWith("/") ? home.substring(0, home.length() - 1) : home;
    }
}
