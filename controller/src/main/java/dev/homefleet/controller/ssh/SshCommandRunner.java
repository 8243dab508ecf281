package dev.homefleet.controller.ssh;

import dev.homefleet.core.config.SshSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.exec.ShellQuoting;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.future.CancelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands on one machine over SSH, on the client shared by the whole fleet. All commands share one pooled
 * session, each in its own exec channel; the session is opened by the first command, and when it dies (the server
 * closed it, the network dropped it, heartbeats went unanswered) the next command opens a new one. A command whose
 * channel could not be opened because the session had just died is tried once more on a fresh session.
 *
 * <p>Timeouts: opening the session (connect, host key, authentication) is bounded by {@code connect_timeout}.
 * A command is bounded by the timeout given to {@link #run}, capped by the machine's {@code command_timeout}: the
 * fleet file sets the longest any command may hold a channel on that machine, callers ask for less (a probe wants
 * 5 s); a caller that passes no positive timeout gets {@code command_timeout}. The command's clock starts once a
 * session is there, so a command costs at most connect_timeout plus its own timeout. A machine's waits never hold
 * up another machine: there is no lock across machines, and a session being opened is awaited only by commands to
 * the same machine.
 *
 * <p>Concurrency: at most {@value #MAX_CHANNELS} channels at once per session, OpenSSH's default MaxSessions;
 * further commands wait for a channel within their own timeout. OpenSSH frees a slot only once the command's process
 * is gone, so a channel it refuses is asked for again after a short pause, again within the command's own timeout.
 *
 * <p>A command that times out has its channel closed and comes back with {@code timedOut}; what it printed so far is
 * kept. Closing the channel does not kill the remote process everywhere: OpenSSH closes its pipes, so it ends at its
 * next write, or runs on if it writes nothing.
 */
public final class SshCommandRunner implements CommandRunner, AutoCloseable {

    /** Channels open at once on the session; OpenSSH's sshd refuses more than 10 by default (MaxSessions). */
    public static final int MAX_CHANNELS = 10;
    /** Captured per stream; the rest is counted and dropped. */
    public static final int MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

    private static final long FIRST_PAUSE_MILLIS = 20;
    private static final long MAX_PAUSE_MILLIS = 500;

    private static final Logger LOG = LoggerFactory.getLogger(SshCommandRunner.class);

    private final SshTarget target;
    private final SshConnector connector;
    private final Semaphore channels = new Semaphore(MAX_CHANNELS, true);
    private final AtomicInteger sessionsOpened = new AtomicInteger();
    private final Object lock = new Object();
    private CompletableFuture<ClientSession> session; // guarded by lock; only pending or successful
    private boolean closed; // guarded by lock

    /**
     * @param client a started client, shared with other runners and stopped by its owner; it is configured with
     *               {@link SshClients#configure} if it was not already
     */
    public SshCommandRunner(SshClient client, SshTarget target) {
        SshClients.configure(client);
        this.target = target;
        this.connector = new SshConnector(client, target);
    }

    public SshTarget target() {
        return target;
    }

    @Override
    public String describe() {
        return target.describe();
    }

    /** How many sessions this runner has opened so far: 1 while the first one lives. */
    public int sessionsOpened() {
        return sessionsOpened.get();
    }

    /** Whether a pooled session is open right now (it may still die before the next command). */
    boolean sessionUsable() {
        synchronized (lock) {
            return session != null && session.isDone() && usable(session.join());
        }
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) throws IOException {
        String command = target.shell() == SshSpec.Shell.POWERSHELL ? ShellQuoting.powershell(argv)
                : ShellQuoting.posix(argv);
        Duration limit = limit(timeout);
        long started = System.nanoTime();
        ClientSession current = session();
        Deadline deadline = Deadline.after(limit);
        try {
            if (!channels.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
                return timedOut(started, "", "homefleet: no free SSH channel to " + target.machine() + " within "
                        + SshConnector.human(limit) + " (" + MAX_CHANNELS + " commands were already running)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(describe() + ": interrupted");
        }
        try {
            boolean reopened = false;
            long pause = FIRST_PAUSE_MILLIS;
            while (true) {
                BoundedOutput out = new BoundedOutput(MAX_OUTPUT_BYTES);
                BoundedOutput err = new BoundedOutput(MAX_OUTPUT_BYTES);
                ChannelExec channel;
                try {
                    channel = open(current, command, out, err, deadline);
                } catch (SshChannelOpenException e) {
                    if (usable(current) && deadline.remainingMillis() > pause) {
                        // The server has no room for another channel yet (OpenSSH frees a session slot only
                        // after the command's process is gone); wait a little, within the command's timeout.
                        LOG.debug("{}: channel refused ({}); retrying in {} ms", target.machine(), e.getMessage(),
                                pause);
                        sleep(pause);
                        pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
                        continue;
                    }
                    if (usable(current)) {
                        return timedOut(started, "", "homefleet: " + target.machine() + " refused every channel "
                                + "for " + SshConnector.human(limit) + ": " + e.getMessage());
                    }
                    if (reopened) {
                        throw cannotStart(e);
                    }
                    reopened = true;
                    current = reopen(current);
                    continue;
                } catch (IOException | RuntimeException e) {
                    if (reopened || usable(current)) {
                        throw cannotStart(e);
                    }
                    reopened = true;
                    current = reopen(current);
                    continue;
                }
                if (channel == null) {
                    return timedOut(started, out.text(), err.text() + "homefleet: " + target.machine()
                            + " did not open a channel within " + SshConnector.human(limit));
                }
                return await(channel, out, err, deadline, started, limit);
            }
        } finally {
            channels.release();
        }
    }

    /** The session died before the channel opened: once per command, it is replaced and the command tried again. */
    private ClientSession reopen(ClientSession dead) throws IOException {
        LOG.info("{}: the SSH session had closed; opening a new one", target.machine());
        discard(dead);
        return session();
    }

    private IOException cannotStart(Exception e) {
        return new IOException(describe() + ": could not start the command: " + SshConnector.message(e), e);
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** The timeout a command gets: the caller's, capped by command_timeout; command_timeout when none is given. */
    Duration limit(Duration requested) {
        Duration cap = target.commandTimeout();
        if (requested == null || requested.isZero() || requested.isNegative()) {
            return cap;
        }
        return requested.compareTo(cap) > 0 ? cap : requested;
    }

    /** The open channel, or null when the server did not confirm it before the deadline. */
    private ChannelExec open(ClientSession session, String command, BoundedOutput out, BoundedOutput err,
            Deadline deadline) throws IOException {
        ChannelExec channel = session.createExecChannel(command, StandardCharsets.UTF_8, null, Map.of());
        channel.setOut(out);
        channel.setErr(err);
        OpenFuture opened = channel.open();
        if (!opened.await(deadline.remainingMillis(), CancelOption.CANCEL_ON_TIMEOUT)) {
            channel.close(true);
            return null;
        }
        if (!opened.isOpened()) {
            channel.close(true);
            Throwable why = opened.getException();
            throw why instanceof IOException io ? io : new IOException(SshConnector.message(why), why);
        }
        try {
            channel.getInvertedIn().close(); // stdin is empty, as for ssh HOST CMD < /dev/null
        } catch (IOException e) {
            LOG.debug("{}: closing the command's stdin: {}", target.machine(), e.getMessage());
        }
        return channel;
    }

    private CommandResult await(ChannelExec channel, BoundedOutput out, BoundedOutput err, Deadline deadline,
            long started, Duration limit) {
        Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED),
                Math.max(1, deadline.remainingMillis()));
        if (!events.contains(ClientChannelEvent.CLOSED)) {
            channel.close(true);
            LOG.info("{}: command timed out after {}", target.machine(), SshConnector.human(limit));
            return timedOut(started, out.text(), err.text());
        }
        StringBuilder stderr = new StringBuilder(err.text());
        note(stderr, "stdout", out);
        note(stderr, "stderr", err);
        Integer status = channel.getExitStatus();
        if (status == null) {
            String signal = channel.getExitSignal();
            note(stderr, signal != null ? "the command was killed by signal " + signal
                    : "the server reported no exit status (the connection may have dropped while it ran)");
        }
        return new CommandResult(status == null ? -1 : status, out.text(), stderr.toString(), since(started), false);
    }

    private static void note(StringBuilder stderr, String stream, BoundedOutput output) {
        if (output.dropped() > 0) {
            note(stderr, stream + " was cut at " + MAX_OUTPUT_BYTES / (1024 * 1024) + " MiB; " + output.dropped()
                    + " more bytes were dropped");
        }
    }

    private static void note(StringBuilder stderr, String text) {
        if (stderr.length() > 0 && stderr.charAt(stderr.length() - 1) != '\n') {
            stderr.append('\n');
        }
        stderr.append("homefleet: ").append(text).append('\n');
    }

    private CommandResult timedOut(long started, String stdout, String stderr) {
        return new CommandResult(-1, stdout, stderr, since(started), true);
    }

    private static Duration since(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /**
     * The machine's session: the pooled one while it is usable, else a new one. Only one command opens it; commands
     * arriving meanwhile wait for that one (within connect_timeout) rather than opening their own.
     */
    private ClientSession session() throws IOException {
        CompletableFuture<ClientSession> pending;
        boolean mine = false;
        synchronized (lock) {
            if (closed) {
                throw new IOException(describe() + ": the runner is closed");
            }
            pending = session;
            if (pending != null && pending.isDone()) {
                ClientSession s = pending.join();
                if (usable(s)) {
                    return s;
                }
                LOG.info("{}: the SSH session closed; opening a new one", target.machine());
                s.close(true);
                pending = null;
            }
            if (pending == null) {
                pending = new CompletableFuture<>();
                session = pending;
                mine = true;
            }
        }
        if (mine) {
            return openSession(pending);
        }
        try {
            return pending.get(target.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(SshConnector.message(e), e);
        } catch (TimeoutException e) {
            throw new IOException(describe() + ": the session being opened did not come up within "
                    + SshConnector.human(target.connectTimeout()) + " (connect_timeout)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(describe() + ": interrupted");
        }
    }

    private ClientSession openSession(CompletableFuture<ClientSession> pending) throws IOException {
        ClientSession opened;
        try {
            opened = connector.open();
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                if (session == pending) {
                    session = null;
                }
            }
            LOG.warn("{}", e.getMessage());
            pending.completeExceptionally(e);
            throw e;
        }
        sessionsOpened.incrementAndGet();
        boolean late;
        synchronized (lock) {
            late = closed;
        }
        if (late) {
            opened.close(true);
            IOException e = new IOException(describe() + ": the runner is closed");
            pending.completeExceptionally(e);
            throw e;
        }
        LOG.info("{}: SSH session open ({})", target.machine(), describe());
        pending.complete(opened);
        return opened;
    }

    private void discard(ClientSession dead) {
        synchronized (lock) {
            if (session != null && session.isDone() && session.join() == dead) {
                session = null;
            }
        }
        dead.close(true);
    }

    private static boolean usable(ClientSession s) {
        return s.isOpen() && !s.isClosing() && s.isAuthenticated();
    }

    /** Closes the session and the proxy forwarder; the shared client stays up. */
    @Override
    public void close() {
        CompletableFuture<ClientSession> current;
        synchronized (lock) {
            closed = true;
            current = session;
            session = null;
        }
        if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
            current.join().close(true);
        }
        connector.close();
    }
}
