package dev.homefleet.agent.failover;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.agent.api.AgentJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * One small JSON file per failover ({@code DIR/NAME.json}, under the agent's data directory), written on every
 * transition so a restarted watchdog resumes where it was. A write goes to a temporary file in the same directory,
 * is flushed to disk, then renamed over the old one, so a crash leaves the old state or the new one, never half.
 *
 * <p>A file that cannot be read (bad JSON, missing fields, a state that cannot be) is moved aside to
 * {@code NAME.json.corrupt} and reported; the watchdog then starts as standby without running any action (see
 * {@link FailoverWatchdog}).
 */
public final class FailoverStore {

    private final Path directory;
    private final ObjectMapper json = AgentJson.mapper();

    public FailoverStore(Path directory) {
        this.directory = directory;
    }

    /**
     * @param saved   what was saved, or null when nothing was (first start) or the file is unreadable
     * @param problem why the file was not used, in a sentence, or null
     */
    public record Loaded(SavedFailover saved, String problem) {}

    public Path file(String failover) {
        return directory.resolve(failover + ".json");
    }

    public Loaded load(String failover) {
        Path file = file(failover);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Loaded(null, null);
        } catch (IOException e) {
            return new Loaded(null, "cannot read the saved state " + file + ": " + e.getMessage());
        }
        String why;
        try {
            SavedFailover saved = json.readValue(bytes, SavedFailover.class);
            why = invalid(saved, failover);
            if (why == null) {
                saved.snapshot();
                return new Loaded(saved, null);
            }
        } catch (JsonProcessingException e) {
            why = "not valid JSON (" + e.getOriginalMessage() + ")";
        } catch (IOException | IllegalArgumentException e) {
            why = e.getMessage();
        }
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
        String kept;
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            kept = "moved aside to " + aside;
        } catch (IOException e) {
            kept = "it could not be moved aside (" + e.getMessage() + ")";
        }
        return new Loaded(null, "the saved state " + file + " is unreadable: " + why + "; " + kept);
    }

    private static String invalid(SavedFailover saved, String failover) {
        if (saved == null) {
            return "the file is empty";
        }
        if (saved.version() != SavedFailover.CURRENT_VERSION) {
            return "version " + saved.version() + " is not " + SavedFailover.CURRENT_VERSION;
        }
        if (!Objects.equals(saved.failover(), failover)) {
            return "it is the state of '" + saved.failover() + "', not of '" + failover + "'";
        }
        if (saved.state() == null || saved.mode() == null) {
            return "state or mode is missing";
        }
        return null;
    }

    /** Writes the state atomically: a temporary file, flushed, renamed over the old one. */
    public void save(SavedFailover saved) throws IOException {
        Files.createDirectories(directory);
        Path file = file(saved.failover());
        Path temporary = Files.createTempFile(directory, saved.failover() + ".json.", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(java.nio.ByteBuffer.wrap(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(saved)));
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
