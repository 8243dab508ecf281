package dev.homefleet.controller.init;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file whole or not at all: a temporary file beside it (readable by its owner only), then a rename. Without
 * {@code replace}, the temporary file is hard-linked into place, which fails when the target exists, so a file that
 * appears meanwhile is not overwritten either.
 */
public final class AtomicFile {

    private AtomicFile() {}

    /** @throws FileAlreadyExistsException when the file exists and {@code replace} is false */
    public static void write(Path target, String text, boolean replace) throws IOException {
        Path dir = Files.createDirectories(target.toAbsolutePath().getParent());
        Path temporary = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            if (replace) {
                try {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return;
            }
            try {
                Files.createLink(target, temporary);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // no hard links on this file system: a move, which refuses a target that exists when it looks
                Files.move(temporary, target);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
