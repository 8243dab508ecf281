package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a secret, never the secret: {@code ${ENV_NAME}} or {@code file:PATH} (a file only its owner can
 * read). Printing a Secret prints the reference, so logs and {@code fleet config show} cannot leak the value.
 */
public record Secret(Source source, String reference) {

    public enum Source { ENV, FILE }

    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** @throws IllegalArgumentException when the text is not a reference (an inline secret, most likely) */
    public static Secret parse(String text) {
        String value = text.strip();
        Matcher env = ENV.matcher(value);
        if (env.matches()) {
            return new Secret(Source.ENV, env.group(1));
        }
        if (value.startsWith("file:") && value.length() > "file:".length()) {
            return new Secret(Source.FILE, value.substring("file:".length()));
        }
        throw new IllegalArgumentException("not a secret reference");
    }

    /** The value, if the variable is set (non-empty) or the file is readable and private. */
    public Optional<String> resolve(Map<String, String> environment, Path home) throws IOException {
        if (source == Source.ENV) {
            String value = environment.get(reference);
            return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
        }
        Path file = Paths.expandHome(reference, home);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            permissions.removeAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            if (!permissions.isEmpty()) {
                throw new IOException(file + " can be read by others; run: chmod 600 " + file);
            }
        }
        String value = Files.readString(file).strip();
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** Where the secret lives, as written in fleet.yaml: {@code ${TELEGRAM_BOT_TOKEN}} or {@code file:~/x}. */
    @JsonValue
    @Override
    public String toString() {
        return source == Source.ENV ? "${" + reference + "}" : "file:" + reference;
    }
}
