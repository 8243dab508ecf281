package dev.homefleet.core.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-default}} from the environment, as a POSIX shell would
 * ({@code :-} also covers a variable set to the empty string). {@code $$} writes a literal {@code $}.
 */
public final class EnvExpander {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final Map<String, String> environment;

    public EnvExpander(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static boolean hasReference(String text) {
        return text.contains("${");
    }

    /** @throws IllegalArgumentException naming the variable that is not set */
    public String expand(String text) {
        if (!text.contains("$")) {
            return text;
        }
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group().equals("$$")) {
                replacement = "$";
            } else {
                String name = matcher.group(1);
                String value = environment.get(name);
                boolean hasDefault = matcher.group(2) != null;
                if (hasDefault && (value == null || value.isEmpty())) {
                    replacement = matcher.group(3);
                } else if (value == null) {
                    throw new IllegalArgumentException("environment variable " + name
                            + " is not set; export " + name + "=... before starting homefleet, or write ${"
                            + name + ":-default}");
                } else {
                    replacement = value;
                }
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        if (REFERENCE.matcher(text).replaceAll("").contains("${")) {
            throw new IllegalArgumentException(
                    "'" + text + "' has a malformed ${...} reference; write ${NAME} or ${NAME:-default}");
        }
        return out.toString();
    }
}
