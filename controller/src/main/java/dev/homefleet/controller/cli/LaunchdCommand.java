package dev.homefleet.controller.cli;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Secret;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.config.Suggest;
import dev.homefleet.core.exec.LocalCommandRunner;
import dev.homefleet.launchd.launchctl.JobStatus;
import dev.homefleet.launchd.launchctl.Launchctl;
import dev.homefleet.launchd.plist.LaunchdJob;
import dev.homefleet.launchd.render.HomefleetAgents;
import dev.homefleet.launchd.render.HomefleetAgents.Daemon;
import dev.homefleet.launchd.render.JvmOptions;
import dev.homefleet.launchd.render.ServicePlist;
import dev.homefleet.launchd.service.Installer;
import dev.homefleet.launchd.service.MachineFiles;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fleet launchd}: the LaunchAgents of homefleet's own controller and agent on this Mac (render, install,
 * uninstall), and the plist of a fleet.yaml launchd service (render). Register it with
 * {@code line.addSubcommand(LaunchdCommand.commandLine(context))}.
 */
@Command(name = "launchd", mixinStandardHelpOptions = true,
        description = "Print, install and remove the LaunchAgents of homefleet's controller and agent on this Mac; "
                + "print the plist of a fleet.yaml launchd service.",
        footer = {"", "Exit codes: 0 done, 1 something failed (an invalid fleet file, launchctl refused), 2 bad usage, "
                + "no fleet file, or no launchctl on this machine.",
                "Examples: fleet launchd render agent --machine macmini | fleet launchd install agent | "
                        + "fleet launchd render clawdbot-gateway --machine macmini"})
public final class LaunchdCommand implements Runnable {

    /** What install and uninstall say on a machine without launchd, before exiting 2. */
    static final String NO_LAUNCHCTL = "launchctl not found: launchd runs only on macOS; on this machine run the %s "
            + "another way (see README)";

    /** How long to let launchd finish booting a job out before bootstrapping it again. */
    private static final Duration BOOTSTRAP_RETRY_PAUSE = Duration.ofSeconds(1);

    @Spec
    CommandSpec spec;

    /** {@code launchd} with its subcommands, wired to {@code context}. */
    public static CommandLine commandLine(CliContext context) {
        return new CommandLine(new LaunchdCommand())
                .addSubcommand(new Render(context))
                .addSubcommand(new Install(context))
                .addSubcommand(new Uninstall(context));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a subcommand: render, install or uninstall, e.g. fleet launchd render agent");
    }

    @Command(name = "render", mixinStandardHelpOptions = true,
            description = {"Print a plist: homefleet's controller or agent LaunchAgent as install would write it, or "
                    + "the plist of a fleet.yaml launchd service, made from its manager's command, cwd, env and "
                    + "schedule."})
    static final class Render implements Callable<Integer> {
        private final CliContext context;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Mixin
        DaemonOptions daemon = new DaemonOptions();

        @Parameters(paramLabel = "controller|agent|SERVICE",
                description = "controller, agent, or a launchd service of fleet.yaml.")
        String target;

        @Option(names = "--home", paramLabel = "DIR",
                description = "The home directory on the plist's machine, for ~ and the log paths (default: yours).")
        Path home;

        Render(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return guarded(spec, () -> {
                Optional<Daemon> own = daemonNamed(target);
                String homeDirectory = (home != null ? context.workingDirectory().resolve(home) : context.home())
                        .toAbsolutePath().normalize().toString();
                Path fleetFile = config.locate(context).toAbsolutePath().normalize();
                LoadResult loaded = ConfigOptions.load(context, fleetFile);
                if (!loaded.ok()) {
                    return problems(spec, loaded);
                }
                LaunchdJob job;
                if (own.isPresent()) {
                    job = HomefleetAgents.render(own.get(), daemon.inputs(context, own.get(), loaded.config(),
                            fleetFile, homeDirectory, false));
                } else {
                    Found found = service(loaded.config(), target, daemon.machine);
                    try {
                        job = ServicePlist.render(found.machine(), target, found.service(), homeDirectory);
                    } catch (IllegalArgumentException e) {
                        spec.commandLine().getErr().println("fleet: " + e.getMessage());
                        return ExitCodes.FINDING;
                    }
                }
                PrintWriter out = spec.commandLine().getOut();
                out.print(job.toXml());
                out.flush();
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Write homefleet's controller or agent LaunchAgent to ~/Library/LaunchAgents/ and load it: "
                    + "launchctl enable and bootstrap gui/UID (launchctl load -w on macOS before 10.10). An agent "
                    + "already loaded is booted out first, so launchd reads the new plist.",
                    "It then runs at every login, restarted after a failure (at most every 10 s), with its logs in "
                            + "~/Library/Logs/homefleet/."})
    static final class Install implements Callable<Integer> {
        private final CliContext context;

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigOptions config = new ConfigOptions();

        @Mixin
        DaemonOptions daemon = new DaemonOptions();

        @Parameters(paramLabel = "controller|agent", description = "Which of homefleet's daemons to install.")
        String target;

        Install(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return guarded(spec, () -> {
                Daemon which = daemonNamed(target).orElseThrow(() -> new FleetCommand.UsageException("install takes "
                        + "controller or agent, not '" + target + "'; print a service's plist with: fleet launchd "
                        + "render " + target));
                if (!hasLaunchctl(context)) {
                    return noLaunchctl(spec, which);
                }
                if (!spec.root().subcommands().containsKey(which.command())) {
                    spec.commandLine().getErr().println("fleet: this fleet has no '" + which.command() + "' command "
                            + "yet, so its LaunchAgent would fail at every start and be restarted every 10 s; see "
                            + "what it would run with: fleet launchd render " + which.command());
                    return ExitCodes.FINDING;
                }
                Path fleetFile = config.locate(context).toAbsolutePath().normalize();
                LoadResult loaded = ConfigOptions.load(context, fleetFile);
                if (!loaded.ok()) {
                    return problems(spec, loaded);
                }
                String home = context.home().toAbsolutePath().normalize().toString();
                LaunchdJob job = HomefleetAgents.render(which, daemon.inputs(context, which, loaded.config(),
                        fleetFile, home, true));
                String plist = HomefleetAgents.plistPath(which, home);
                environmentSecrets(loaded.config(), which, daemon.machine).forEach((key, secret) -> spec.commandLine()
                        .getErr().println("fleet: warning: " + key + " is " + secret + ", but a LaunchAgent does not "
                                + "get your shell's environment; write it as file:PATH (a file only you can read) "
                                + "so the " + which.command() + " finds it"));
                return withInstaller(spec, context, installer -> {
                    JobStatus status = installer.install(job, plist, ManagerSpec.Domain.GUI);
                    return new Report(List.of("wrote " + plist), List.of(job.label() + (status.running()
                            ? " is running (pid " + status.pid() + ")"
                            : " is loaded, " + Optional.ofNullable(status.state()).orElse("state unknown"))
                            + "; logs: " + job.standardOutPath() + ", " + job.standardErrorPath()));
                });
            });
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = "Boot homefleet's controller or agent LaunchAgent out of launchd (launchctl bootout; "
                    + "unload on macOS before 10.10) and remove its plist from ~/Library/LaunchAgents/, so it does "
                    + "not come back at the next login. Its logs stay.")
    static final class Uninstall implements Callable<Integer> {
        private final CliContext context;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "controller|agent", description = "Which of homefleet's daemons to uninstall.")
        String target;

        Uninstall(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            return guarded(spec, () -> {
                Daemon which = daemonNamed(target).orElseThrow(() -> new FleetCommand.UsageException(
                        "uninstall takes controller or agent, not '" + target + "'"));
                if (!hasLaunchctl(context)) {
                    return noLaunchctl(spec, which);
                }
                String plist = HomefleetAgents.plistPath(which, context.home().toAbsolutePath().normalize().toString());
                return withInstaller(spec, context, installer -> {
                    Installer.Removed removed = installer.uninstall(which.label(), plist, ManagerSpec.Domain.GUI);
                    return new Report(List.of(), removed.plistRemoved() ? List.of("removed " + plist)
                            : removed.wasLoaded() ? List.of()
                            : List.of(which.label() + " is not installed: launchd does not know it and there is no "
                                    + plist));
                });
            });
        }
    }

    /** How homefleet's own daemons run: the jar, the java, the JVM flags, and the agent's machine. */
    static final class DaemonOptions {
        @Option(names = "--jar", paramLabel = "JAR",
                description = "The installed homefleet jar (default: the jar this fleet runs from).")
        Path jar;

        @Option(names = "--java", paramLabel = "JAVA",
                description = "The java executable (default: the one running this fleet).")
        Path java;

        @Option(names = "--jvm-options", paramLabel = "FILE",
                description = "The JVM flags (default: jvm.options beside the jar, else in the repository two levels "
                        + "above it, where ./fleet keeps it).")
        Path jvmOptions;

        @Option(names = {"-m", "--machine"}, paramLabel = "MACHINE",
                description = "agent: the machine it runs as (default: found by host name). SERVICE: the machine "
                        + "the service is on, when several have one of that name.")
        String machine;

        HomefleetAgents.Inputs inputs(CliContext context, Daemon daemon, FleetConfig config, Path fleetFile,
                String home, boolean installing) {
            if (machine != null && daemon == Daemon.CONTROLLER) {
                throw new FleetCommand.UsageException("--machine is for the agent and for services; the controller "
                        + "runs on controller.machine");
            }
            PortsCommand.machineOption(config, machine);
            Path jarFile = jar != null ? context.workingDirectory().resolve(jar).normalize() : runningJar();
            if (installing && !Files.isRegularFile(jarFile)) {
                throw new FleetCommand.UsageException("no jar at " + jarFile + "; build it (./fleet does) or pass "
                        + "--jar JAR");
            }
            Path javaFile = java != null ? context.workingDirectory().resolve(java).normalize()
                    : Path.of(System.getProperty("java.home"), "bin", "java");
            Path flagsFile = jvmOptions != null ? context.workingDirectory().resolve(jvmOptions).normalize()
                    : jvmOptionsBeside(jarFile);
            List<String> flags;
            try {
                flags = JvmOptions.read(flagsFile);
            } catch (IOException e) {
                throw new FleetCommand.UsageException("cannot read the JVM flags in " + flagsFile + ": " + e
                        + "; pass --jvm-options FILE");
            }
            List<String> args = machine == null ? List.of() : List.of("--machine", machine);
            try {
                return new HomefleetAgents.Inputs(javaFile.toString(), flags, jarFile.toString(),
                        fleetFile.toString(), home, args);
            } catch (IllegalArgumentException e) {
                throw new FleetCommand.UsageException(e.getMessage());
            }
        }

        private static Path runningJar() {
            try {
                Path location = Path.of(LaunchdCommand.class.getProtectionDomain().getCodeSource().getLocation()
                        .toURI());
                if (location.getFileName().toString().endsWith(".jar")) {
                    return location.toAbsolutePath();
                }
            } catch (URISyntaxException | SecurityException | NullPointerException e) {
                // fall through: say what to pass instead
            }
            throw new FleetCommand.UsageException("this fleet does not run from a jar; pass --jar JAR, the "
                    + "installed homefleet jar's absolute path");
        }

        /** jvm.options beside the jar, else in the repository root two levels up (ROOT/controller/target/x.jar). */
        private static Path jvmOptionsBeside(Path jarFile) {
            Path beside = jarFile.resolveSibling("jvm.options");
            Path root = jarFile.getParent() == null || jarFile.getParent().getParent() == null
                    || jarFile.getParent().getParent().getParent() == null ? null
                    : jarFile.getParent().getParent().getParent().resolve("jvm.options");
            for (Path candidate : new Path[] {beside, root}) {
                if (candidate != null && Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            throw new FleetCommand.UsageException("no jvm.options beside " + jarFile + (root == null ? ""
                    : " or at " + root) + "; pass --jvm-options FILE");
        }
    }

    private record Found(String machine, ServiceSpec service) {}

    private static Found service(FleetConfig config, String name, String machine) {
        PortsCommand.machineOption(config, machine);
        List<Found> found = new ArrayList<>();
        List<String> allNames = new ArrayList<>();
        for (Map.Entry<String, MachineSpec> m : config.machines().entrySet()) {
            allNames.addAll(m.getValue().services().keySet());
            ServiceSpec service = m.getValue().services().get(name);
            if (service != null && (machine == null || machine.equals(m.getKey()))) {
                found.add(new Found(m.getKey(), service));
            }
        }
        if (found.isEmpty()) {
            throw new FleetCommand.UsageException("no service named '" + name + "'"
                    + (machine == null ? "" : " on " + machine) + " in the fleet file"
                    + Suggest.hint(name, allNames) + "; or render controller or agent");
        }
        if (found.size() > 1) {
            throw new FleetCommand.UsageException(name + " is on " + String.join(" and ",
                    found.stream().map(Found::machine).toList()) + "; pass --machine MACHINE");
        }
        ManagerSpec.Type type = found.get(0).service().manager().type();
        if (type != ManagerSpec.Type.LAUNCHD) {
            throw new FleetCommand.UsageException(name + " on " + found.get(0).machine() + " is managed by "
                    + type.name().toLowerCase(Locale.ROOT) + ", not launchd");
        }
        return found.get(0);
    }

    /** The secrets the daemon reads that are ${ENV} references: a launchd job's environment is its plist's. */
    private static Map<String, Secret> environmentSecrets(FleetConfig config, Daemon daemon, String machine) {
        Map<String, Secret> secrets = new LinkedHashMap<>();
        if (daemon == Daemon.CONTROLLER) {
            if (config.controller().tokens() != null) {
                secrets.put("controller.tokens.admin", config.controller().tokens().admin());
                secrets.put("controller.tokens.viewer", config.controller().tokens().viewer());
            }
            if (config.alerts().telegram() != null) {
                secrets.put("alerts.telegram.bot_token", config.alerts().telegram().botToken());
            }
        } else {
            config.machines().forEach((name, spec) -> {
                if ((machine == null || machine.equals(name)) && spec.agent() != null) {
                    secrets.put("machines." + name + ".agent.token", spec.agent().token());
                }
            });
        }
        secrets.values().removeIf(secret -> secret == null || secret.source() != Secret.Source.ENV);
        return secrets;
    }

    private static Optional<Daemon> daemonNamed(String target) {
        for (Daemon daemon : Daemon.values()) {
            if (daemon.command().equals(target)) {
                return Optional.of(daemon);
            }
        }
        return Optional.empty();
    }

    /** What an install or uninstall says before and after the launchctl commands it ran. */
    private record Report(List<String> before, List<String> after) {}

    private interface Installation {
        Report run(Installer installer) throws IOException;
    }

    /**
     * Runs an install or uninstall on this machine, then prints what it reports first, the launchctl commands that
     * changed something (as a person would type them), and what it reports last. A failure prints the commands that
     * did run and launchctl's words, and exits 1.
     */
    private static int withInstaller(CommandSpec spec, CliContext context, Installation installation) {
        List<String> ran = new ArrayList<>();
        LocalCommandRunner runner = runner(context);
        Launchctl launchctl = new Launchctl(runner, BOOTSTRAP_RETRY_PAUSE, argv -> ran.add(String.join(" ", argv)));
        PrintWriter out = spec.commandLine().getOut();
        try {
            Report report = installation.run(new Installer(launchctl, new MachineFiles(runner)));
            report.before().forEach(out::println);
            changes(ran).forEach(out::println);
            report.after().forEach(out::println);
            return ExitCodes.OK;
        } catch (IOException e) {
            changes(ran).forEach(out::println);
            spec.commandLine().getErr().println("fleet: " + e.getMessage());
            return ExitCodes.FINDING;
        }
    }

    private static int noLaunchctl(CommandSpec spec, Daemon which) {
        spec.commandLine().getErr().println("fleet: " + String.format(NO_LAUNCHCTL, which.command()));
        return ExitCodes.USAGE;
    }

    /** launchctl on the PATH the command was started with (the runner is local here). */
    static boolean hasLaunchctl(CliContext context) {
        String path = context.environment().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "launchctl"))) {
                return true;
            }
        }
        return false;
    }

    private static LocalCommandRunner runner(CliContext context) {
        LocalCommandRunner.Builder builder = LocalCommandRunner.builder();
        Optional.ofNullable(context.environment().get("PATH")).ifPresent(path -> builder.environment("PATH", path));
        return builder.build();
    }

    /** The launchctl commands that changed something, as a person would type them. */
    private static List<String> changes(List<String> ran) {
        return ran.stream().filter(command -> !command.startsWith("launchctl print ")
                && !command.startsWith("launchctl list")).toList();
    }

    private static int problems(CommandSpec spec, LoadResult loaded) {
        return Output.refuse(spec.commandLine().getErr(), loaded, "");
    }

    /**
     * Expected failures print one line and exit 2, whether or not the command line this command hangs under
     * handles them.
     */
    private static int guarded(CommandSpec spec, Callable<Integer> body) {
        try {
            return body.call();
        } catch (FleetCommand.UsageException | ConfigOptions.NoConfigException e) {
            spec.commandLine().getErr().println("fleet: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
