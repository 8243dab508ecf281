package dev.homefleet.pm2;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ServiceSpec;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pm2 app, driven through pm2's command line over a {@link CommandRunner}: locally on an agent, or over SSH (the
 * Mac Mini's aphos servers). Its definition is the machine's ecosystem file, which {@link EcosystemWriter} renders
 * from fleet.yaml.
 *
 * <p>pm2 keeps the env an app was started with, even across {@code pm2 restart --update-env} and
 * {@code pm2 startOrReload --update-env}, which add and change variables but never remove one. So a restart after
 * the ecosystem file's env changed deletes the app from pm2 and starts it from the file again (its restart count
 * starts over); otherwise it is a plain {@code pm2 restart}, which counts.
 */
public final class Pm2ServiceManager implements ServiceManager {

    /** The pm2 command when it is on the PATH; over SSH give the full path (a non-interactive shell's PATH is short). */
    public static final List<String> DEFAULT_PM2 = List.of("pm2");
    /** Long enough for pm2 to start its daemon and to stop an app that takes its kill_timeout. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    static final String NOT_LISTED = "not in pm2's process list";

    private static final Logger log = LoggerFactory.getLogger(Pm2ServiceManager.class);

    private final Pm2Cli pm2;
    private final HostFile ecosystem;
    private final String name;
    private final String where;
    private final Clock clock;

    /** A manager that finds {@code pm2} on the PATH. */
    public Pm2ServiceManager(CommandRunner runner, ServiceSpec service, String ecosystemFile) {
        this(runner, DEFAULT_PM2, service, ecosystemFile);
    }

    /**
     * @param pm2           the argv that runs pm2, e.g. {@code [/opt/homebrew/bin/pm2]}, or
     *                      {@code [/opt/homebrew/bin/node, /opt/homebrew/bin/pm2]} when node is not on the PATH either
     * @param service       a service whose manager is pm2; its {@code manager.name} is the pm2 app's name
     * @param ecosystemFile the absolute path of the machine's ecosystem file (its name ends in .config.js, or pm2
     *                      would run it as a script)
     */
    public Pm2ServiceManager(CommandRunner runner, List<String> pm2, ServiceSpec service, String ecosystemFile) {
        this(runner, pm2, service, ecosystemFile, COMMAND_TIMEOUT, Clock.systemUTC());
    }

    Pm2ServiceManager(CommandRunner runner, List<String> pm2, ServiceSpec service, String ecosystemFile,
            Duration timeout, Clock clock) {
        Objects.requireNonNull(service, "service");
        if (service.manager() == null || service.manager().type() != ManagerSpec.Type.PM2) {
            throw new IllegalArgumentException("service " + service.name() + " is not managed by pm2");
        }
        String problem = Pm2Cli.nameProblem(service.manager().name());
        if (problem != null) {
            throw new IllegalArgumentException("service " + service.name() + ": " + problem);
        }
        if (!ecosystemFile.endsWith(".config.js")) {
            throw new IllegalArgumentException("'" + ecosystemFile + "' does not end in .config.js; pm2 runs any "
                    + "other .js file as a script instead of reading it as an ecosystem file");
        }
        this.pm2 = new Pm2Cli(runner, pm2, timeout);
        this.ecosystem = new HostFile(runner, ecosystemFile, timeout);
        this.name = service.manager().name();
        this.where = runner.describe();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public ServiceState status() throws IOException {
        return find().map(p -> p.state(clock.instant()))
                .orElseGet(() -> ServiceState.of(ServiceState.State.STOPPED, NOT_LISTED));
    }

    /** Starts the app from the ecosystem file when pm2 does not know it yet; does nothing when it runs. */
    @Override
    public void start() throws IOException {
        Optional<Pm2Process> known = find();
        if (known.isEmpty()) {
            startFromEcosystem("start");
            return;
        }
        ServiceState.State state = known.get().state(clock.instant()).state();
        if (state == ServiceState.State.RUNNING || known.get().status().equals("launching")) {
            return; // pm2 start NAME would restart it
        }
        act("start", List.of("start", name));
    }

    @Override
    public void stop() throws IOException {
        act("stop", List.of("stop", name));
    }

    /**
     * Restarts the app; when the ecosystem file gives it another env than pm2 started it with (setEnvironment), pm2
     * forgets the app and starts it from the file, so the new env is all it gets. An app pm2 does not know is
     * started from the file. Without an ecosystem file it is a plain {@code pm2 restart}.
     */
    @Override
    public void restart() throws IOException {
        Optional<Pm2Process> known = find();
        if (known.isEmpty()) {
            startFromEcosystem("restart");
            return;
        }
        Optional<EcosystemFile> file = readEcosystem();
        Optional<String> wanted = file.flatMap(f -> f.envDigest(name));
        String running = known.get().env().get(EcosystemFile.ENV_DIGEST);
        if (wanted.isEmpty() || wanted.get().equals(running)) {
            act("restart", List.of("restart", name));
            return;
        }
        log.debug("{}: pm2 runs it with env {}, {} gives {}; deleting and starting it anew", name, running,
                ecosystem.path(), wanted.get());
        act("restart", List.of("delete", name));
        try {
            startFromEcosystem("restart");
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "; " + name + " was deleted from pm2 to apply its new env, so "
                    + "pm2 no longer lists it", e);
        }
    }

    @Override
    public List<String> logs(int lines) throws IOException {
        if (lines < 1) {
            throw new IllegalArgumentException("lines must be at least 1, was " + lines);
        }
        String output = act("read the logs of", List.of("logs", name, "--lines", String.valueOf(lines), "--nostream"));
        Optional<List<String>> parsed = Pm2Logs.parse(output, name, lines);
        if (parsed.isPresent()) {
            return parsed.get();
        }
        if (find().isPresent()) {
            return List.of(); // known, but its log files are gone
        }
        throw new IOException("cannot read the logs of " + name + " on " + where + ": it is " + NOT_LISTED);
    }

    /** The env the ecosystem file gives the app (fleet.yaml's env and PORT), not the one pm2 may still run it with. */
    @Override
    public Map<String, String> environment() throws IOException {
        return requireEcosystem("read the env of").env(name).orElseThrow();
    }

    @Override
    public void setEnvironment(Map<String, String> environment) throws IOException {
        EcosystemFile file = requireEcosystem("set the env of");
        ecosystem.write(file.withEnv(name, environment).render());
    }

    private Optional<Pm2Process> find() throws IOException {
        return pm2.jlist().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private void startFromEcosystem(String what) throws IOException {
        requireEcosystem(what);
        act(what, List.of("start", ecosystem.path(), "--only", name));
    }

    /** Runs pm2; its failure names the app and what was tried. */
    private String act(String what, List<String> args) throws IOException {
        try {
            return pm2.run(args).stdout();
        } catch (IOException e) {
            throw new IOException("cannot " + what + " " + name + ": " + e.getMessage(), e);
        }
    }

    private Optional<EcosystemFile> readEcosystem() throws IOException {
        Optional<String> text = ecosystem.read();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(EcosystemFile.parse(text.get(), ecosystem.path() + " on " + where));
    }

    private EcosystemFile requireEcosystem(String what) throws IOException {
        EcosystemFile file = readEcosystem().orElseThrow(() -> new IOException("cannot " + what + " " + name + ": "
                + ecosystem.path() + " does not exist on " + where + "; write it with fleet pm2 ecosystem MACHINE "
                + "--output FILE"));
        if (!file.hasApp(name)) {
            throw new IOException("cannot " + what + " " + name + ": " + ecosystem.path() + " on " + where
                    + " has no app named " + name + " (it has " + (file.appNames().isEmpty() ? "none"
                    : String.join(", ", file.appNames())) + "); write it anew with fleet pm2 ecosystem MACHINE");
        }
        return file;
    }
}
