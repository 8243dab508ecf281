package dev.homefleet.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.homefleet.core.config.Suggest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local control channel of a daemon: a Unix-domain socket that only its owner can use (0600 in a directory
 * created 0700), answering one JSON request per line with the handler registered for its action (see
 * {@link Envelope} for the format).
 *
 * <p>Each connection is served by one thread of a bounded pool, may send any number of requests, and is closed
 * after {@link #DEFAULT_IDLE_TIMEOUT} without one. When every thread is busy, up to {@link #QUEUED_CONNECTIONS}
 * connections wait; beyond that a connection gets a {@code busy} error at once.
 */
public final class ControlServer implements AutoCloseable {

    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    public static final int DEFAULT_THREADS = 8;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final int QUEUED_CONNECTIONS = 64;
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    /** How long a socket file found at start gets to answer before it is taken for stale. */
    static final Duration LIVENESS_PROBE = Duration.ofSeconds(1);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** sun_path holds 104 bytes on macOS and 108 on Linux, the terminating NUL included; keep to the smaller. */
    static final int MAX_PATH_BYTES = 103;

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);
    private static final Set<PosixFilePermission> OWNER_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_SOCKET = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path socket;
    private final int threads;
    private final Duration idleTimeout;
    private final Map<String, ControlHandler> handlers = new ConcurrentHashMap<>();
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();

    private ServerSocketChannel server;
    private ThreadPoolExecutor workers;
    private Thread acceptor;
    private Object fileKey;
    private volatile boolean closed;

    public ControlServer(Path socket) {
        this(socket, DEFAULT_THREADS, DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * @param socket      where the socket file goes (e.g. ~/.homefleet/agent.sock)
     * @param threads     connections served at once
     * @param idleTimeout how long a connection may stay open without sending a request
     */
    public ControlServer(Path socket, int threads, Duration idleTimeout) {
        this.socket = socket.toAbsolutePath().normalize();
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
        }
        this.threads = threads;
        this.idleTimeout = idleTimeout;
    }

    /** Registers the handler of one action; register them all before {@link #start()}. */
    public ControlServer handle(String action, ControlHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (action == null || action.isBlank()) {
            throw new IllegalArgumentException("an action needs a name, e.g. \"status\"");
        }
        if (handlers.putIfAbsent(action, handler) != null) {
            throw new IllegalArgumentException("action '" + action + "' already has a handler");
        }
        return this;
    }

    public Path socket() {
        return socket;
    }

    /**
     * Creates the socket file and starts answering. A socket file that no one answers on is left over from a
     * process that died, and is replaced.
     *
     * @throws AlreadyRunningException when another server answers on the socket
     * @throws IOException             when the path is too long, is something other than a socket, or the file
     *                                 system refuses
     */
    public synchronized ControlServer start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("control server on " + socket + " is already started");
        }
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        Path parent = socket.getParent();
        checkLength(socket);
        if (posix) {
            checkLength(parent.resolve(".xxxxxx/s"));
        }
        if (Files.notExists(parent)) {
            Files.createDirectories(parent, posix ? directoryAttribute() : new FileAttribute<?>[0]);
        }
        removeStale();
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            if (posix) {
                bindPrivately(channel, parent);
            } else {
                channel.bind(UnixDomainSocketAddress.of(socket), QUEUED_CONNECTIONS);
            }
            fileKey = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        server = channel;
        workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED_CONNECTIONS), daemonThreads("control-worker"));
        acceptor = daemonThreads("control-accept").newThread(this::acceptLoop);
        acceptor.start();
        log.info("control channel listening on {}", socket);
        return this;
    }

    /** Stops answering, ends open connections, and deletes the socket file if it is still ours. */
    @Override
    public synchronized void close() {
        if (closed || server == null) {
            closed = true;
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing {}: {}", socket, e.toString());
        }
        workers.shutdownNow();
        for (SocketChannel connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                log.debug("closing a control connection: {}", e.toString());
            }
        }
        try {
            if (!workers.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("control handlers on {} still running {} after close", socket, CLOSE_WAIT);
            }
            acceptor.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteIfOurs();
    }

    private void checkLength(Path path) throws IOException {
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new IOException("socket path " + socket + " is too long: it needs " + bytes
                    + " bytes and Unix sockets allow at most " + MAX_PATH_BYTES + "; choose a shorter directory");
        }
    }

    private void removeStale() throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther()) {
            throw new FileAlreadyExistsException(socket.toString(), null,
                    "exists and is not a socket; move it away or choose another socket path");
        }
        if (answers(socket)) {
            throw new AlreadyRunningException(socket);
        }
        Files.deleteIfExists(socket);
        log.info("removed stale socket {} (nothing answered on it)", socket);
    }

    /**
     * Only a refused connection proves a socket file stale; any other failure (a full backlog, a timeout) may be
     * a live server under load, and is reported rather than taken for stale.
     */
    private static boolean answers(Path socket) throws IOException {
        long deadline = System.nanoTime() + LIVENESS_PROBE.toNanos();
        try {
            LineChannel.connect(UnixDomainSocketAddress.of(socket), 1, deadline).close();
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            throw new IOException("cannot tell whether a server answers on " + socket + ": " + e.getMessage()
                    + "; if none runs, delete the file", e);
        }
    }

    /**
     * Binds in a fresh 0700 directory, makes the socket 0600, then renames it into place: no one else can
     * connect in the moment between bind and chmod, whatever the umask and the parent's permissions.
     */
    private void bindPrivately(ServerSocketChannel channel, Path parent) throws IOException {
        Path staging = createStagingDirectory(parent);
        Path staged = staging.resolve("s");
        try {
            channel.bind(UnixDomainSocketAddress.of(staged), QUEUED_CONNECTIONS);
            Files.setPosixFilePermissions(staged, OWNER_SOCKET);
            Files.move(staged, socket, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(staged);
            Files.deleteIfExists(staging);
        }
    }

    private static Path createStagingDirectory(Path parent) throws IOException {
        String letters = "abcdefghijklmnopqrstuvwxyz0123456789";
        for (int attempt = 0; ; attempt++) {
            StringBuilder name = new StringBuilder(".");
            for (int i = 0; i < 6; i++) {
                name.append(letters.charAt(RANDOM.nextInt(letters.length())));
            }
            try {
                return Files.createDirectory(parent.resolve(name.toString()), directoryAttribute());
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static FileAttribute<?>[] directoryAttribute() {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_DIRECTORY)};
    }

    private void deleteIfOurs() {
        try {
            Object current = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            if (fileKey == null || fileKey.equals(current)) {
                Files.delete(socket);
            } else {
                log.info("left {} in place: another server has replaced it", socket);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            log.warn("could not delete {}: {}", socket, e.toString());
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.warn("accepting on {} failed: {}", socket, e.toString());
                pause();
                continue;
            }
            connections.add(connection);
            try {
                workers.execute(() -> serve(connection));
            } catch (RejectedExecutionException e) {
                refuse(connection);
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (LineChannel line = new LineChannel(connection, MAX_REQUEST_BYTES)) {
            while (!closed) {
                byte[] request;
                try {
                    request = line.readLine(deadline(idleTimeout));
                } catch (LineChannel.LineTooLongException e) {
                    log.info("refused a request longer than {} bytes on {}", MAX_REQUEST_BYTES, socket);
                    line.writeLine(Envelope.error(null, ControlException.TOO_LARGE, "request line is longer than "
                            + MAX_REQUEST_BYTES + " bytes; send at most 64 KiB per request"), deadline(WRITE_TIMEOUT));
                    return;
                } catch (SocketTimeoutException e) {
                    return;
                }
                if (request == null) {
                    return;
                }
                if (isBlank(request)) {
                    continue;
                }
                line.writeLine(answer(request), deadline(WRITE_TIMEOUT));
            }
        } catch (IOException e) {
            if (!closed) {
                log.debug("control connection on {} ended: {}", socket, e.toString());
            }
        } finally {
            connections.remove(connection);
        }
    }

    private byte[] answer(byte[] line) {
        JsonNode request;
        try {
            request = Envelope.parse(line);
        } catch (JsonProcessingException e) {
            return Envelope.error(null, ControlException.BAD_REQUEST,
                    "request is not JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            return Envelope.error(null, ControlException.BAD_REQUEST, "request is not JSON: " + e.getMessage());
        }
        if (request == null || !request.isObject()) {
            return Envelope.error(null, ControlException.BAD_REQUEST,
                    "a request is one JSON object: {\"id\":...,\"action\":\"...\",\"data\":{...}}");
        }
        JsonNode id = request.get("id");
        if (id != null && id.isContainerNode()) {
            return Envelope.error(null, ControlException.BAD_REQUEST, "id must be a string or a number");
        }
        JsonNode action = request.get("action");
        if (action == null || !action.isTextual() || action.asText().isBlank()) {
            return Envelope.error(id, ControlException.BAD_REQUEST,
                    "request has no action; send {\"id\":...,\"action\":\"...\",\"data\":{...}}");
        }
        String name = action.asText();
        ControlHandler handler = handlers.get(name);
        if (handler == null) {
            return Envelope.error(id, ControlException.UNKNOWN_ACTION,
                    "unknown action '" + name + "'" + Suggest.hint(name, new TreeSet<>(handlers.keySet())));
        }
        JsonNode data = request.hasNonNull("data") ? request.get("data") : NullNode.getInstance();
        try {
            return Envelope.ok(id, handler.handle(data));
        } catch (ControlException e) {
            log.info("control action '{}' refused: {}: {}", name, e.code(), e.getMessage());
            return Envelope.error(id, e.code(), e.getMessage());
        } catch (Exception e) {
            log.warn("control action '{}' failed", name, e);
            String message = e.getMessage() == null ? "" : ": " + firstLine(e.getMessage());
            return Envelope.error(id, ControlException.INTERNAL,
                    "action '" + name + "' failed: " + e.getClass().getSimpleName() + message);
        }
    }

    /** Every worker busy and the queue full: say so rather than leave the client waiting for nothing. */
    private void refuse(SocketChannel connection) {
        log.warn("control channel {} is busy: {} connections served and {} waiting", socket, threads,
                QUEUED_CONNECTIONS);
        try (LineChannel line = new LineChannel(connection, 1)) {
            line.writeLine(Envelope.error(null, ControlException.BUSY, "the server is busy; try again shortly"),
                    deadline(Duration.ofMillis(100)));
        } catch (IOException e) {
            log.debug("refusing a control connection: {}", e.toString());
        } finally {
            connections.remove(connection);
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip();
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Another server already answers on the socket: a second daemon must not take it over. */
    public static final class AlreadyRunningException extends IOException {
        private static final long serialVersionUID = 1L;

        AlreadyRunningException(Path socket) {
            super("another server is already answering on " + socket + "; stop it before starting a new one");
        }
    }
}
