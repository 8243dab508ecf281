package dev.homefleet.pm2;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real pm2 output saved under src/test/resources/pm2 (see the README there). */
final class Captured {
    private Captured() {}

    static String read(String name) {
        try (InputStream in = Captured.class.getResourceAsStream("/pm2/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no captured output /pm2/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
