package dev.homefleet.launchd.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags of a jvm.options file, read as the {@code fleet} launcher reads them (sed drops comments and blank
 * lines, the shell splits the rest on blanks): a {@code #} starts a comment anywhere on a line, and a line may hold
 * several flags.
 */
public final class JvmOptions {

    private JvmOptions() {}

    public static List<String> parse(String text) {
        List<String> flags = new ArrayList<>();
        for (String line : text.split("\\R")) {
            int comment = line.indexOf('#');
            String content = comment >= 0 ? line.substring(0, comment) : line;
            for (String word : content.strip().split("\\s+")) {
                if (!word.isEmpty()) {
                    flags.add(word);
                }
            }
        }
        return flags;
    }

    public static List<String> read(Path file) throws IOException {
        return parse(Files.readString(file));
    }
}
