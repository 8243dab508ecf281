package dev.homefleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The launcher's JVM flags, read from jvm.options the way ./fleet reads them: # to the line's end is a comment. */
final class JvmOptions {
    private JvmOptions() {}

    static List<String> read(Path file) throws IOException {
        List<String> flags = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            int hash = line.indexOf('#');
            String flag = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!flag.isEmpty()) {
                flags.addAll(List.of(flag.split("\\s+")));
            }
        }
        return List.copyOf(flags);
    }
}
