package dev.homefleet.controller.reload;

import dev.homefleet.core.config.Durations;
import dev.homefleet.core.config.Key;
import dev.homefleet.core.config.Name;
import dev.homefleet.core.config.PortRange;
import dev.homefleet.core.config.Schedule;
import dev.homefleet.core.config.Secret;
import dev.homefleet.core.config.Secrets;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Says, field by field and in fleet.yaml's own words, how two config records differ: {@code port 2568 -> 2569},
 * {@code reach.ssh.host mini.local -> 10.0.0.5}, {@code env: NODE_ENV changed}. Values that could be secrets never
 * appear: a map shows only its keys (an {@code env} may carry an API key), a string under a secret-looking key
 * shows as {@code <redacted>}; a {@link Secret} shows its reference, which is what the file says.
 */
final class FieldDiff {

    private static final int MAX_VALUE_LENGTH = 60;

    private FieldDiff() {}

    /** Every difference, as {@code key old -> new}; empty when the two are equal. */
    static List<String> between(Object before, Object after, Set<String> skip) {
        List<String> out = new ArrayList<>();
        diff("", before, after, skip, out);
        return out;
    }

    static List<String> between(Object before, Object after) {
        return between(before, after, Set.of());
    }

    /** A value as it would be written in fleet.yaml, or null when it is too long or complex to print. */
    static String render(String key, Object value) {
        if (value == null) {
            return "none";
        }
        if (value instanceof Secret secret) {
            return secret.toString();
        }
        if (value instanceof String text) {
            if (Secrets.looksSecret(key) && !Secrets.isReference(text)) {
                return Secrets.REDACTED;
            }
            return text.length() > MAX_VALUE_LENGTH || text.contains("\n") ? null : quoted(text);
        }
        if (value instanceof Schedule schedule) {
            return quoted(schedule.source());
        }
        if (value instanceof Duration duration) {
            return Durations.format(duration);
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof PortRange) {
            return value.toString();
        }
        if (value instanceof List<?> list && list.stream().allMatch(FieldDiff::isPlain)) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                items.add(render(key, item));
            }
            String text = "[" + String.join(", ", items) + "]";
            return items.contains(null) || text.length() > MAX_VALUE_LENGTH ? null : text;
        }
        if (!(value instanceof Record) && !(value instanceof Collection<?>) && !(value instanceof Map<?, ?>)) {
            String text = value.toString();
            return text.length() > MAX_VALUE_LENGTH ? null : text;
        }
        return null;
    }

    /** The YAML key of a record component: its {@link Key}, else its name in snake_case. */
    static String keyOf(RecordComponent component) {
        Key key = component.getAnnotation(Key.class);
        return key != null ? key.value() : component.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .toLowerCase(Locale.ROOT);
    }

    private static void diff(String path, Object before, Object after, Set<String> skip, List<String> out) {
        if (Objects.equals(before, after)) {
            return;
        }
        if (before instanceof Record a && after instanceof Record b && a.getClass() == b.getClass() && !isValue(a)) {
            for (RecordComponent component : a.getClass().getRecordComponents()) {
                String key = keyOf(component);
                if (component.isAnnotationPresent(Name.class) || skip.contains(key)) {
                    continue;
                }
                diff(path.isEmpty() ? key : path + "." + key, read(component, a), read(component, b), Set.of(), out);
            }
            return;
        }
        if (before instanceof Map<?, ?> a && after instanceof Map<?, ?> b) {
            out.add(path + ": " + keysChanged(a, b));
            return;
        }
        String key = path.substring(path.lastIndexOf('.') + 1);
        String from = render(key, before);
        String to = render(key, after);
        out.add(from == null || to == null ? path + " changed" : path + " " + from + " -> " + to);
    }

    /** {@code FOO added, BAR removed, BAZ changed}: keys only, never values. */
    private static String keysChanged(Map<?, ?> before, Map<?, ?> after) {
        Set<Object> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> parts = new ArrayList<>();
        for (Object key : keys) {
            if (!after.containsKey(key)) {
                parts.add(key + " removed");
            } else if (!before.containsKey(key)) {
                parts.add(key + " added");
            } else if (!Objects.equals(before.get(key), after.get(key))) {
                parts.add(key + " changed");
            }
        }
        return String.join(", ", parts);
    }

    /** Records written in fleet.yaml as one scalar ({@code 2567-2599}, {@code "@every 30s"}, {@code ${TOKEN}}). */
    private static boolean isValue(Object value) {
        return value instanceof Schedule || value instanceof Secret || value instanceof PortRange;
    }

    private static boolean isPlain(Object value) {
        return value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value instanceof Duration;
    }

    private static String quoted(String text) {
        return text.isEmpty() || text.contains(" ") || text.contains(",") ? "'" + text + "'" : text;
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass(), e);
        }
    }
}
