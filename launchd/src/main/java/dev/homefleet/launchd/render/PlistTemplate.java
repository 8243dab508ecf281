package dev.homefleet.launchd.render;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a plist template: every {@code {{name}}} in a string (or a key) becomes its value. An array element that is
 * nothing but a list placeholder becomes that many elements, none for an empty list. The template is a plist itself,
 * so values are filled into the parsed tree and escaped once, by the writer, whatever they hold.
 */
public final class PlistTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");

    private final String name;
    private final Map<String, String> values;
    private final Map<String, List<String>> lists;

    /**
     * @param name   the template as a person knows it, for messages
     * @param values what scalar placeholders become
     * @param lists  what list placeholders become
     */
    public PlistTemplate(String name, Map<String, String> values, Map<String, List<String>> lists) {
        this.name = name;
        this.values = Map.copyOf(values);
        this.lists = Map.copyOf(lists);
    }

    /** @throws IllegalArgumentException for a placeholder this template has no value for */
    public NSDictionary fill(NSDictionary template) {
        return (NSDictionary) fillValue(template);
    }

    private NSObject fillValue(NSObject value) {
        if (value instanceof NSDictionary dict) {
            Map<String, NSObject> filled = new LinkedHashMap<>();
            dict.forEach((key, item) -> filled.put(text(key), fillValue(item)));
            NSDictionary out = new NSDictionary();
            out.putAll(filled);
            return out;
        }
        if (value instanceof NSArray array) {
            List<NSObject> items = new ArrayList<>();
            for (NSObject item : array.getArray()) {
                List<String> expansion = listPlaceholder(item);
                if (expansion != null) {
                    expansion.forEach(element -> items.add(new NSString(element)));
                } else {
                    items.add(fillValue(item));
                }
            }
            return new NSArray(items.toArray(NSObject[]::new));
        }
        if (value instanceof NSString string) {
            return new NSString(text(string.getContent()));
        }
        return value.clone();
    }

    private List<String> listPlaceholder(NSObject item) {
        if (item instanceof NSString string) {
            Matcher m = PLACEHOLDER.matcher(string.getContent());
            if (m.matches() && lists.containsKey(m.group(1))) {
                return lists.get(m.group(1));
            }
        }
        return null;
    }

    private String text(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String placeholder = m.group(1);
            String value = values.get(placeholder);
            if (value == null) {
                throw new IllegalArgumentException(name + " uses {{" + placeholder + "}}"
                        + (lists.containsKey(placeholder) ? ", a list, where only a whole array element can take it"
                                : ", which homefleet has no value for"));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
