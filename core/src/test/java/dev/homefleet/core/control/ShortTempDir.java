package dev.homefleet.core.control;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A @TempDir directly under /tmp: a Unix socket path has to fit in about 100 bytes, and the default temp directory
 * (macOS: /var/folders/...) is too deep for that.
 */
final class ShortTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws Exception {
        return Files.createTempDirectory(Path.of("/tmp"), "hf");
    }
}
