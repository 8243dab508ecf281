package dev.homefleet.pm2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads what {@code pm2 jlist} prints. The JSON list can follow other lines: the banner and "Spawning PM2 daemon"
 * when the command had to start the daemon, the ">>>> In-memory PM2 is out-of-date" warning after an upgrade.
 */
public final class Jlist {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

    private Jlist() {}

    /** @throws IOException when the output holds no process list, with the start of what it holds */
    public static List<Pm2Process> parse(String output) throws IOException {
        String text = stripAnsi(output);
        // jlist prints the list on one line of its own; try each line that could start it.
        for (int at = 0; at < text.length(); at = nextLine(text, at)) {
            if (text.charAt(at) != '[') {
                continue;
            }
            JsonNode list = listAt(text, at);
            if (list != null) {
                List<Pm2Process> processes = new ArrayList<>();
                for (JsonNode entry : list) {
                    processes.add(process(entry));
                }
                return processes;
            }
        }
        throw new IOException("pm2 jlist printed no process list: " + excerpt(text));
    }

    static String stripAnsi(String text) {
        return ANSI.matcher(text).replaceAll("");
    }

    private static int nextLine(String text, int from) {
        int newline = text.indexOf('\n', from);
        return newline < 0 ? text.length() : newline + 1;
    }

    /** The JSON array of objects that starts at {@code at}, or null: "[PM2] Spawning..." starts with '[' too. */
    private static JsonNode listAt(String text, int at) {
        try (JsonParser parser = JSON.createParser(text.substring(at))) {
            JsonNode node = parser.readValueAsTree();
            if (node == null || !node.isArray()) {
                return null;
            }
            for (JsonNode entry : node) {
                if (!entry.isObject()) {
                    return null;
                }
            }
            return node;
        } catch (JsonProcessingException notJson) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    private static Pm2Process process(JsonNode entry) {
        JsonNode env = entry.path("pm2_env");
        JsonNode monit = entry.path("monit");
        long started = env.path("pm_uptime").asLong(0);
        JsonNode exit = env.path("exit_code");
        Map<String, String> variables = new LinkedHashMap<>();
        env.path("env").properties().forEach(e -> {
            if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                variables.put(e.getKey(), e.getValue().asText());
            }
        });
        return new Pm2Process(
                entry.path("name").asText(env.path("name").asText("")),
                entry.path("pm_id").asInt(env.path("pm_id").asInt(-1)),
                entry.path("pid").asInt(0),
                env.path("status").asText("unknown"),
                env.path("restart_time").asInt(0),
                started > 0 ? Instant.ofEpochMilli(started) : null,
                monit.path("cpu").asDouble(0),
                monit.path("memory").asLong(0),
                exit.isNumber() ? exit.asInt() : null,
                variables,
                launch(env));
    }

    /** pm2 keeps {@code args} as an array (a string when an ecosystem file gave one: split as pm2 splits it). */
    private static Pm2Process.Launch launch(JsonNode env) {
        JsonNode args = env.path("args");
        List<String> list = new ArrayList<>();
        if (args.isArray()) {
            args.forEach(arg -> list.add(arg.asText()));
        } else if (args.isTextual() && !args.asText().isBlank()) {
            list.addAll(List.of(args.asText().strip().split("\\s+")));
        }
        return new Pm2Process.Launch(text(env, "pm_exec_path"), list, text(env, "pm_cwd"),
                text(env, "exec_interpreter"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static String excerpt(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        if (flat.isEmpty()) {
            return "(nothing)";
        }
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
