package dev.homefleet.controller.reload;

import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.FleetConfigLoader;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.Problem;
import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running controller's config in step with its fleet.yaml. The file's directory is watched (io.methvin's
 * watcher: FSEvents on macOS, the JDK's WatchService elsewhere), so editors that write a temporary file and rename
 * it over fleet.yaml, or delete and recreate it, are seen like a plain write. Editors save in several steps, so a
 * change is read only once the file has been quiet for the quiet period (500 ms by default), and at the latest
 * ten quiet periods after the first write of a burst (an editor that never stops writing still gets read).
 *
 * <p>The new text is loaded and validated in full by core's loader, with the controller's environment for
 * {@code ${ENV}} references. What the listener hears:
 * <ul>
 * <li>valid and different: {@link Listener#accepted} with the {@link ConfigDiff}; it becomes {@link #current()}.
 * <li>invalid: {@link Listener#rejected} with every problem, each with its line and column; the last good config
 *     stays in force and {@link #matchesDisk()} is false until a valid version is written.
 * <li>the same bytes as the config in force, or a valid file whose diff is empty (a comment, a reordering):
 *     nothing; {@link #matchesDisk()} becomes true again if it was false.
 * <li>the same rejection as last time (the same invalid text touched again): nothing.
 * <li>the file missing once the quiet period is over: one rejection saying it was removed; the last good config
 *     stays in force. A delete followed by a new file within the quiet period (how some editors save) is just an
 *     edit.
 * </ul>
 * The listener is called on the watcher's own thread, one call at a time; a listener that throws is logged and the
 * watcher carries on.
 */
public final class ConfigWatcher implements AutoCloseable {

    /** Told what became of each change of the file. */
    public interface Listener {
        /** A valid edit that changes something; {@code config} is now in force. */
        void accepted(FleetConfig config, ConfigDiff diff);

        /**
         * An edit that cannot be applied; the previous config stays in force.
         *
         * @param problems every problem found (errors and warnings, in file order, each with its line and column;
         *                 line 0 when the file as a whole is missing or unreadable)
         * @param fileText the text that was read, empty when it could not be read
         */
        void rejected(List<Problem> problems, String fileText);

        /**
         * The file on disk matches the config in force again after a rejection, without an edit to apply (a
         * rejected file put back as it was, or saved valid with no change). Not called before {@link #accepted}.
         */
        default void backInStep() {}
    }

    public static final Duration DEFAULT_QUIET_PERIOD = Duration.ofMillis(500);
    private static final int MAX_WAIT_FACTOR = 10;
    private static final Duration FIRST_CHECK_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Set<Path> watchedFiles;
    private final String name;
    private final FleetConfigLoader loader;
    private final Duration quietPeriod;
    private final Listener listener;
    private final ScheduledExecutorService reloader;
    private final ExecutorService watchThread;
    private DirectoryWatcher directoryWatcher;

    private final Object pendingLock = new Object();
    private ScheduledFuture<?> pending;
    private long burstStartedNanos;

    // Written only on the reloader thread; read by anyone.
    private volatile FleetConfig current;
    private volatile List<Problem> problems = List.of();
    private final AtomicLong reloads = new AtomicLong();
    private byte[] acceptedBytes;
    private List<Problem> lastRejection;
    private String lastRejectedText;
    private volatile boolean closed;

    private ConfigWatcher(Path file, FleetConfig running, Map<String, String> environment, Duration quietPeriod,
            Listener listener) throws IOException {
        if (quietPeriod.isNegative() || quietPeriod.isZero()) {
            throw new IllegalArgumentException("the quiet period must be longer than 0ms, got " + quietPeriod);
        }
        this.file = file.toAbsolutePath().normalize();
        this.watchedFiles = targets(this.file);
        this.name = file.toString();
        this.loader = new FleetConfigLoader(environment);
        this.quietPeriod = quietPeriod;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.current = Objects.requireNonNull(running, "running");
        this.reloader = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fleet-yaml-reload"));
        this.watchThread = Executors.newSingleThreadExecutor(r -> daemon(r, "fleet-yaml-watch"));
    }

    /** {@link #start(Path, FleetConfig, Map, Duration, Listener)} with the default quiet period. */
    public static ConfigWatcher start(Path file, FleetConfig running, Map<String, String> environment,
            Listener listener) throws IOException {
        return start(file, running, environment, DEFAULT_QUIET_PERIOD, listener);
    }

    /**
     * Starts watching {@code file}, then compares it once with {@code running}: if it was edited since the
     * controller loaded it, the listener hears about it before this returns.
     *
     * @param running     the config the controller runs with, loaded from this file
     * @param environment where ${NAME} references are looked up (the controller's environment)
     * @throws IOException when the file's directory cannot be watched
     */
    public static ConfigWatcher start(Path file, FleetConfig running, Map<String, String> environment,
            Duration quietPeriod, Listener listener) throws IOException {
        ConfigWatcher watcher = new ConfigWatcher(file, running, environment, quietPeriod, listener);
        try {
            watcher.watch();
            watcher.reloader.submit(() -> watcher.check(false)).get(FIRST_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watcher.close();
            throw new IOException("interrupted while reading " + file + " for the first time", e);
        } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
            watcher.close();
            throw e instanceof IOException io ? io : new IOException("cannot watch " + file + ": " + e, e);
        }
        return watcher;
    }

    /** The last valid config read from the file (or the one it started with). */
    public FleetConfig current() {
        return current;
    }

    /** False while the file on disk is not the config in force: rejected, removed or unreadable. */
    public boolean matchesDisk() {
        return problems.isEmpty();
    }

    /** Why the file on disk is not in force (the last rejection's problems); empty when it is. */
    public List<Problem> problems() {
        return problems;
    }

    public Path file() {
        return file;
    }

    /** How many times the file was read after a change was seen (the first comparison at start aside). */
    long reloads() {
        return reloads.get();
    }

    @Override
    public void close() {
        synchronized (pendingLock) {
            closed = true;
            if (pending != null) {
                pending.cancel(false);
            }
        }
        try {
            if (directoryWatcher != null) {
                directoryWatcher.close();
            }
        } catch (IOException e) {
            log.warn("closing the watch of {}: {}", file.getParent(), e.toString());
        }
        reloader.shutdownNow();
        watchThread.shutdownNow();
        try {
            if (!reloader.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    || !watchThread.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the watch of {} did not stop within {}s", file, CLOSE_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch() throws IOException {
        Set<Path> directories = new LinkedHashSet<>();
        watchedFiles.forEach(target -> directories.add(target.getParent()));
        directoryWatcher = DirectoryWatcher.builder()
                .paths(List.copyOf(directories))
                .fileHashing(false) // we compare the bytes ourselves; hashing would read every file in the directory
                .fileTreeVisitor(TopLevelVisitor.INSTANCE)
                .listener(this::onEvent)
                .build();
        // watchAsync registers the directories before it returns, so no write after start() is missed.
        directoryWatcher.watchAsync(watchThread).whenComplete((ignored, error) -> {
            if (!closed) {
                log.warn("stopped watching {} ({}); edits to {} are not picked up until the controller restarts",
                        directories, error == null ? "the directory is gone" : error.toString(), name);
                changed();
            }
        });
    }

    private void onEvent(DirectoryChangeEvent event) {
        if (event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW
                || (event.path() != null && watchedFiles.contains(event.path().toAbsolutePath().normalize()))) {
            log.debug("{} {}", event.eventType(), event.path());
            changed();
        }
    }

    /** Restarts the quiet period; the first change of a burst also starts the deadline. */
    private void changed() {
        synchronized (pendingLock) {
            if (closed) {
                return;
            }
            long now = System.nanoTime();
            if (pending == null) {
                burstStartedNanos = now;
            } else {
                pending.cancel(false);
            }
            long quiet = quietPeriod.toNanos();
            long deadline = burstStartedNanos + quiet * MAX_WAIT_FACTOR;
            long delay = Math.max(0, Math.min(quiet, deadline - now));
            pending = reloader.schedule(this::reload, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void reload() {
        synchronized (pendingLock) {
            pending = null;
        }
        reloads.incrementAndGet();
        check(true);
    }

    /** Reads the file and decides; runs only on the reloader thread. */
    private void check(boolean edited) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            reject(List.of(wholeFile("the file was removed; the last good config stays in force; put it back "
                    + "(git checkout, or your editor's undo) to change the fleet again")), "");
            return;
        } catch (AccessDeniedException e) {
            reject(List.of(wholeFile("cannot be read: permission denied; the last good config stays in force; "
                    + "make the file readable by the user the controller runs as")), "");
            return;
        } catch (IOException e) {
            reject(List.of(wholeFile("cannot be read (" + e.getMessage() + "); the last good config stays in "
                    + "force")), "");
            return;
        }
        if (Arrays.equals(bytes, acceptedBytes)) {
            backInStep(true);
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            reject(List.of(wholeFile("not UTF-8 text; save the file as UTF-8")), "");
            return;
        }
        LoadResult result = loader.parse(text, name);
        if (!result.ok()) {
            reject(result.problems(), text);
            return;
        }
        FleetConfig next = result.config();
        ConfigDiff diff = ConfigDiff.between(current, next);
        acceptedBytes = bytes;
        backInStep(diff.isEmpty());
        if (diff.isEmpty()) {
            if (edited) {
                log.info("{} was saved without changing the config", name);
            }
            return;
        }
        current = next;
        log.info("{} changed: {}", name, String.join("; ", diff.describe()));
        result.warnings().forEach(warning -> log.warn("{}", warning));
        try {
            listener.accepted(next, diff);
        } catch (RuntimeException e) {
            log.error("applying the new {} failed: {}", name, e.toString(), e);
        }
    }

    /** @param tell whether the listener hears of it (not when an accepted() with the new config follows) */
    private void backInStep(boolean tell) {
        lastRejection = null;
        lastRejectedText = null;
        boolean wasOut = !problems.isEmpty();
        problems = List.of();
        if (wasOut) {
            log.info("{} is valid again and matches the config in force", name);
            if (tell) {
                try {
                    listener.backInStep();
                } catch (RuntimeException e) {
                    log.error("telling that {} is back in step failed: {}", name, e.toString(), e);
                }
            }
        }
    }

    private void reject(List<Problem> found, String text) {
        if (found.equals(lastRejection) && text.equals(lastRejectedText)) {
            return;
        }
        lastRejection = found;
        lastRejectedText = text;
        problems = found;
        long errors = found.stream().filter(Problem::isError).count();
        log.warn("{} rejected ({} {}); the last good config stays in force", name, errors,
                errors == 1 ? "error" : "errors");
        found.forEach(problem -> log.warn("  {}", problem));
        try {
            listener.rejected(found, text);
        } catch (RuntimeException e) {
            log.error("reporting the rejected {} failed: {}", name, e.toString(), e);
        }
    }

    private Problem wholeFile(String message) {
        return new Problem(Problem.Severity.ERROR, name, 0, 0, "", message);
    }

    /**
     * The file itself and, when it is a symbolic link, the file it points to at start: an edit of either is an
     * edit. (A link pointed elsewhere later is seen as an edit, but the new target's directory is not watched.)
     */
    private static Set<Path> targets(Path file) throws IOException {
        Set<Path> targets = new LinkedHashSet<>();
        targets.add(file);
        if (Files.isSymbolicLink(file)) {
            targets.add(file.toRealPath());
        }
        return targets;
    }

    private static Thread daemon(Runnable runnable, String threadName) {
        Thread thread = new Thread(runnable, threadName);
        thread.setDaemon(true);
        return thread;
    }
}
