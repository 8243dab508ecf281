package dev.homefleet.core.config;

import dev.homefleet.core.config.yaml.Location;
import dev.homefleet.core.config.yaml.YNode;
import dev.homefleet.core.config.yaml.YNode.YList;
import dev.homefleet.core.config.yaml.YNode.YMap;
import dev.homefleet.core.config.yaml.YNode.YScalar;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds a located YAML tree onto the config records, reporting every mismatch it meets instead of stopping at the
 * first. YAML keys are the record components' names in snake_case (or {@link Key}); a value that cannot be bound
 * is reported and left null, so the rest of the file is still checked.
 */
final class Binder {

    /** Names of machines, services, jobs, ranges: they appear in paths, URLs and commands. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Problems problems;
    private final SourceIndex index;
    private final EnvExpander env;

    Binder(Problems problems, SourceIndex index, EnvExpander env) {
        this.problems = problems;
        this.index = index;
        this.env = env;
    }

    @SuppressWarnings("unchecked")
    <T> T bindRoot(YNode root, Class<T> type) {
        index.value("", root.location());
        return (T) bind(root, type, "", null);
    }

    /** @return the bound value, or null when it could not be bound (a problem was recorded) */
    private Object bind(YNode node, Type type, String path, String name) {
        index.value(path, node.location());
        if (type instanceof ParameterizedType generic) {
            Class<?> raw = (Class<?>) generic.getRawType();
            Type[] args = generic.getActualTypeArguments();
            if (raw == List.class) {
                return bindList(node, args[0], path);
            }
            if (raw == Map.class) {
                return bindMap(node, args[1], path);
            }
            throw new IllegalStateException("no binding for " + type);
        }
        Class<?> cls = (Class<?>) type;
        if (cls.isRecord() && cls != Schedule.class && cls != PortRange.class && cls != Secret.class) {
            return bindRecord(node, cls, path, name);
        }
        if (!(node instanceof YScalar scalar)) {
            problems.error(node.location(), path, "expected " + describe(cls) + ", found " + node.describe());
            return null;
        }
        index.raw(path, scalar.text());
        try {
            return convert(scalar, cls, path);
        } catch (IllegalArgumentException e) {
            problems.error(node.location(), path, e.getMessage());
            return null;
        }
    }

    private Object bindRecord(YNode node, Class<?> cls, String path, String name) {
        if (!(node instanceof YMap map)) {
            problems.error(node.location(), path, "expected a mapping of keys (" + String.join(", ", keysOf(cls))
                    + "), found " + node.describe());
            return null;
        }
        RecordComponent[] components = cls.getRecordComponents();
        List<String> keys = keysOf(cls);
        for (YMap.Entry entry : map.entries().values()) {
            if (!keys.contains(entry.key())) {
                index.key(join(path, entry.key()), entry.keyLocation());
                problems.error(entry.keyLocation(), join(path, entry.key()),
                        "unknown key '" + entry.key() + "'" + Suggest.hint(entry.key(), keys));
            }
        }
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            if (component.isAnnotationPresent(Name.class)) {
                values[i] = name;
                continue;
            }
            String key = keyOf(component);
            String childPath = join(path, key);
            YMap.Entry entry = map.entries().get(key);
            boolean absent = entry == null || entry.value() instanceof YScalar s && s.kind() == YScalar.Kind.NULL;
            if (entry != null) {
                index.key(childPath, entry.keyLocation());
            }
            if (absent) {
                if (component.isAnnotationPresent(Required.class)) {
                    Location at = entry != null ? entry.keyLocation() : index.keyAt(path);
                    problems.error(at, path, entry != null
                            ? "'" + key + "' is empty; it needs " + describe(component.getType())
                            : "missing required key '" + key + "'");
                }
                continue;
            }
            values[i] = bind(entry.value(), component.getGenericType(), childPath, null);
        }
        try {
            Constructor<?> constructor = cls.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            problems.error(map.location(), path, String.valueOf(e.getCause().getMessage()));
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + cls.getSimpleName(), e);
        }
    }

    private List<Object> bindList(YNode node, Type element, String path) {
        if (!(node instanceof YList list)) {
            problems.error(node.location(), path, "expected a list, found " + node.describe()
                    + (node instanceof YScalar ? "; write [" + ((YScalar) node).text() + "] for a list of one" : ""));
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Object value = bind(list.items().get(i), element, path + "[" + i + "]", null);
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    private Map<String, Object> bindMap(YNode node, Type valueType, String path) {
        if (!(node instanceof YMap map)) {
            problems.error(node.location(), path, "expected a mapping, found " + node.describe());
            return null;
        }
        boolean named = valueType instanceof Class<?> c && c.isRecord()
                && Arrays.stream(c.getRecordComponents()).anyMatch(rc -> rc.isAnnotationPresent(Name.class));
        Map<String, Object> out = new LinkedHashMap<>();
        for (YMap.Entry entry : map.entries().values()) {
            String key = entry.key();
            String childPath = join(path, key);
            index.key(childPath, entry.keyLocation());
            if (named && !NAME.matcher(key).matches()) {
                problems.error(entry.keyLocation(), childPath, "'" + key + "' is not a valid name; use lowercase "
                        + "letters, digits, '-' and '_', starting with a letter or digit (e.g. "
                        + suggestName(key) + ")");
                continue;
            }
            if (isEnvironment(path) && !ENV_NAME.matcher(key).matches()) {
                problems.error(entry.keyLocation(), childPath,
                        "'" + key + "' is not a valid environment variable name; use letters, digits and '_'");
                continue;
            }
            Object value = bind(entry.value(), valueType, childPath, key);
            if (value != null) {
                out.put(key, value);
            }
        }
        return out;
    }

    private Object convert(YScalar scalar, Class<?> cls, String path) {
        String text = scalar.text();
        if (cls == Secret.class) {
            try {
                return Secret.parse(text);
            } catch (IllegalArgumentException e) {
                if (text.strip().matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*:-.*}")) {
                    throw new IllegalArgumentException("a secret reference takes no default (the default would be a "
                            + "secret written inline); write " + text.strip().replaceAll(":-.*}$", "}"));
                }
                String variable = suggestEnvName(path);
                throw new IllegalArgumentException("a secret is written inline; keep it out of fleet.yaml: put it in "
                        + "an environment variable and write ${" + variable + "}, or in a file only you can read "
                        + "and write file:~/.homefleet/" + variable.toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        if (scalar.kind() == YScalar.Kind.NULL) {
            throw new IllegalArgumentException("expected " + describe(cls) + ", found nothing");
        }
        boolean fromEnv = scalar.kind() == YScalar.Kind.STRING && EnvExpander.hasReference(text);
        if (scalar.kind() == YScalar.Kind.STRING) {
            text = env.expand(text);
        }
        if (cls == String.class) {
            return text;
        }
        if (cls == Integer.class || cls == Long.class) {
            if (scalar.kind() != YScalar.Kind.INTEGER && !(fromEnv && text.strip().matches("-?\\d+"))) {
                throw new IllegalArgumentException("expected a whole number, found " + scalar.describe());
            }
            long value;
            try {
                value = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the number " + text + " is too large");
            }
            if (cls == Integer.class) {
                if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("the number " + text + " is too large");
                }
                return (int) value;
            }
            return value;
        }
        if (cls == Boolean.class) {
            if (scalar.kind() == YScalar.Kind.BOOLEAN) {
                return List.of("true", "yes", "on", "y").contains(text.strip().toLowerCase(Locale.ROOT));
            }
            if (fromEnv && text.matches("true|false")) {
                return Boolean.parseBoolean(text);
            }
            throw new IllegalArgumentException("expected true or false, found " + scalar.describe());
        }
        if (cls == Duration.class) {
            return Durations.parse(text);
        }
        if (cls == Schedule.class) {
            return Schedule.parse(text);
        }
        if (cls == PortRange.class) {
            return PortRange.parse(text);
        }
        if (cls.isEnum()) {
            List<String> names = enumNames(cls);
            String wanted = text.strip().toLowerCase(Locale.ROOT);
            int at = names.indexOf(wanted);
            if (at < 0) {
                throw new IllegalArgumentException("'" + text + "' is not one of " + String.join(", ", names)
                        + Suggest.closest(text, names).map(c -> "; did you mean '" + c + "'?").orElse(""));
            }
            return cls.getEnumConstants()[at];
        }
        throw new IllegalStateException("no conversion to " + cls);
    }

    /** Maps of environment variables: their keys must be names a process environment can hold. */
    private static boolean isEnvironment(String path) {
        return path.endsWith(".env") || path.endsWith(".set_env") || path.equals("env") || path.equals("set_env");
    }

    static List<String> keysOf(Class<?> record) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent component : record.getRecordComponents()) {
            if (!component.isAnnotationPresent(Name.class)) {
                keys.add(keyOf(component));
            }
        }
        return keys;
    }

    static String keyOf(RecordComponent component) {
        Key key = component.getAnnotation(Key.class);
        return key != null ? key.value() : snakeCase(component.getName());
    }

    static String snakeCase(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    static List<String> enumNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .toList();
    }

    private static String describe(Class<?> cls) {
        if (cls == Integer.class || cls == Long.class) return "a whole number";
        if (cls == Boolean.class) return "true or false";
        if (cls == Duration.class) return "a duration such as 30s or 15m";
        if (cls == Schedule.class) return "a schedule such as '*/15 * * * *' or '@every 15m'";
        if (cls == PortRange.class) return "a port range such as 3000-3099";
        if (cls == Secret.class) return "a secret reference such as ${TELEGRAM_BOT_TOKEN}";
        if (cls.isEnum()) return "one of " + String.join(", ", enumNames(cls));
        if (cls == String.class) return "a text value";
        if (cls == List.class) return "a list";
        if (cls.isRecord() || cls == Map.class) return "a mapping";
        return cls.getSimpleName();
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String suggestName(String key) {
        String cleaned = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^[-_]+", "");
        return cleaned.isEmpty() ? "my-service" : cleaned;
    }

    /** alerts.telegram.bot_token -> HOMEFLEET_TELEGRAM_BOT_TOKEN */
    private static String suggestEnvName(String path) {
        String[] parts = path.replaceAll("\\[\\d+]", "").split("\\.");
        String tail = parts.length >= 2 ? parts[parts.length - 2] + "_" + parts[parts.length - 1] : path;
        return "HOMEFLEET_" + tail.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_");
    }
}
