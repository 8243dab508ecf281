package dev.homefleet.pm2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A pm2 ecosystem file as homefleet writes it: comment lines, then {@code module.exports = <JSON>;}. pm2 loads it as
 * JavaScript; homefleet reads it back as JSON, so the env it gives an app can be read and rewritten. Keys homefleet
 * does not write (min_uptime, max_restarts ...) are kept as they are. Immutable.
 *
 * <p>Each app's env carries {@value #ENV_DIGEST}, a digest of the rest of that env. pm2 keeps it in the running
 * process's environment, so comparing the two tells whether pm2 runs the app with the env the file gives it now.
 */
public final class EcosystemFile {

    public static final String ENV_DIGEST = "HOMEFLEET_ENV_DIGEST";

    private static final String EXPORTS = "module.exports = ";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DefaultPrettyPrinter PRETTY = prettyPrinter();

    private final String header;
    private final ObjectNode document;

    private EcosystemFile(String header, ObjectNode document) {
        this.header = header;
        this.document = document;
    }

    /** A file of {@code apps}, under {@code header} (comment lines, each starting with {@code //}). */
    public static EcosystemFile of(String header, List<ObjectNode> apps) {
        header.lines().forEach(line -> {
            if (!line.isBlank() && !line.startsWith("//")) {
                throw new IllegalArgumentException("header lines are // comments, not: " + line);
            }
        });
        ObjectNode document = JSON.createObjectNode();
        ArrayNode list = document.putArray("apps");
        apps.forEach(app -> list.add(app.deepCopy()));
        return new EcosystemFile(header.strip(), document);
    }

    /**
     * Reads a file homefleet wrote.
     *
     * @param source where the text came from, for messages
     * @throws IOException when the text is not comments then {@code module.exports = <JSON>;} with a list of apps
     */
    public static EcosystemFile parse(String text, String source) throws IOException {
        int exports = text.indexOf(EXPORTS);
        String fix = "; homefleet reads only files it wrote (comments, then module.exports = <JSON>;): "
                + "write it anew with fleet pm2 ecosystem MACHINE";
        if (exports < 0) {
            throw new IOException(source + " has no '" + EXPORTS.strip() + "'" + fix);
        }
        String header = text.substring(0, exports);
        for (String line : header.lines().toList()) {
            if (!line.isBlank() && !line.strip().startsWith("//")) {
                throw new IOException(source + " has code before module.exports: '" + line.strip() + "'" + fix);
            }
        }
        String rest = text.substring(exports + EXPORTS.length());
        JsonNode value;
        String after;
        try (JsonParser parser = JSON.createParser(rest)) {
            value = parser.readValueAsTree();
            after = rest.substring((int) Math.min(rest.length(), parser.currentLocation().getCharOffset()));
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": module.exports is not JSON (" + e.getOriginalMessage() + ")" + fix, e);
        }
        if (!after.strip().equals(";") && !after.isBlank()) {
            throw new IOException(source + " has code after the module.exports object" + fix);
        }
        if (!(value instanceof ObjectNode document) || !document.path("apps").isArray()) {
            throw new IOException(source + ": module.exports has no \"apps\" list" + fix);
        }
        for (JsonNode app : document.get("apps")) {
            if (!app.isObject() || !app.path("name").isTextual()) {
                throw new IOException(source + ": every app needs a \"name\"; found " + app);
            }
        }
        return new EcosystemFile(header.strip(), document);
    }

    /** The file's text: what pm2 loads. */
    public String render() {
        try {
            String json = JSON.writer(PRETTY).writeValueAsString(document);
            return (header.isEmpty() ? "" : header + "\n") + EXPORTS + json + ";\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> appNames() {
        List<String> names = new ArrayList<>();
        document.get("apps").forEach(app -> names.add(app.get("name").asText()));
        return names;
    }

    public boolean hasApp(String name) {
        return app(name).isPresent();
    }

    /** The env the file gives app {@code name}, without {@value #ENV_DIGEST}; empty when it has no such app. */
    public Optional<Map<String, String>> env(String name) {
        return app(name).map(app -> {
            Map<String, String> env = new LinkedHashMap<>();
            app.path("env").properties().forEach(e -> {
                if (!e.getKey().equals(ENV_DIGEST) && !e.getValue().isNull()) {
                    env.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
                }
            });
            return env;
        });
    }

    /** The {@value #ENV_DIGEST} the file gives app {@code name}, if it gives one. */
    public Optional<String> envDigest(String name) {
        return app(name).map(app -> app.path("env").path(ENV_DIGEST)).filter(JsonNode::isTextual)
                .map(JsonNode::asText);
    }

    /**
     * This file with app {@code name}'s env replaced by {@code env}, all of it, and a fresh {@value #ENV_DIGEST}.
     *
     * @throws IllegalArgumentException when there is no such app
     */
    public EcosystemFile withEnv(String name, Map<String, String> env) {
        ObjectNode copy = document.deepCopy();
        for (JsonNode app : copy.get("apps")) {
            if (app.get("name").asText().equals(name)) {
                putEnv((ObjectNode) app, env);
                return new EcosystemFile(header, copy);
            }
        }
        throw new IllegalArgumentException("the ecosystem file has no app named '" + name + "'; it has "
                + String.join(", ", appNames()));
    }

    /** Sets {@code app}'s env to {@code env} followed by its digest. */
    static void putEnv(ObjectNode app, Map<String, String> env) {
        ObjectNode node = app.putObject("env");
        env.forEach((key, value) -> {
            if (!key.equals(ENV_DIGEST)) {
                node.put(key, value);
            }
        });
        node.put(ENV_DIGEST, digest(env));
    }

    /** A short digest of {@code env} that does not depend on the order of its keys. */
    static String digest(Map<String, String> env) {
        Map<String, String> sorted = new TreeMap<>(env);
        sorted.remove(ENV_DIGEST);
        try {
            byte[] canonical = JSON.writeValueAsBytes(sorted);
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(canonical);
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest an env", e);
        }
    }

    private Optional<ObjectNode> app(String name) {
        for (JsonNode app : document.get("apps")) {
            if (app.get("name").asText().equals(name)) {
                return Optional.of((ObjectNode) app);
            }
        }
        return Optional.empty();
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators);
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        return printer;
    }

    @Override
    public String toString() {
        return "EcosystemFile" + appNames();
    }
}
