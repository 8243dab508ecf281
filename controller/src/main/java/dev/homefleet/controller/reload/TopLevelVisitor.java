package dev.homefleet.controller.reload;

import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Visits a directory's own files and not its subdirectories. fleet.yaml often sits at the top of a large tree (a
 * git checkout, the home directory): the watcher needs that one directory, not a watch on every folder below it.
 */
final class TopLevelVisitor implements FileTreeVisitor {

    static final TopLevelVisitor INSTANCE = new TopLevelVisitor();

    private TopLevelVisitor() {}

    @Override
    public void recursiveVisitFiles(Path start, Callback onDirectory, Callback onFile) throws IOException {
        // The start may be a link to a directory (~/.homefleet -> a synced folder); its entries' links are not followed.
        if (!Files.isDirectory(start)) {
            if (Files.exists(start, LinkOption.NOFOLLOW_LINKS)) {
                onFile.call(start);
            }
            return;
        }
        onDirectory.call(start);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(start)) {
            for (Path entry : entries) {
                if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    onFile.call(entry);
                }
            }
        }
    }
}
