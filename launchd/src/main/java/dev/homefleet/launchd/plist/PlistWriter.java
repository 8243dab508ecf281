package dev.homefleet.launchd.plist;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;

/**
 * Writes a property list as XML under Apple's plist 1.0 DTD, laid out as {@code plutil -convert xml1} does (tabs, one
 * element a line), so a file homefleet writes reads like one a person wrote.
 *
 * <p>Text is escaped for XML ({@code &}, {@code <}, {@code >}; quotes need nothing in element content). A carriage
 * return is written as {@code &#13;} because XML parsers turn a literal one into a line feed. Characters XML 1.0
 * cannot carry at all (other control characters, U+FFFE, U+FFFF, lone surrogates) are refused, naming the key.
 */
public final class PlistWriter {

    static final String HEADER = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            """;

    private PlistWriter() {}

    /** @throws IllegalArgumentException for a value XML cannot hold, naming where it is */
    public static String write(NSObject root) {
        StringBuilder out = new StringBuilder(HEADER);
        value(out, root, 0, "the root");
        out.append("</plist>\n");
        return out.toString();
    }

    private static void value(StringBuilder out, NSObject value, int depth, String where) {
        indent(out, depth);
        if (value instanceof NSDictionary dict) {
            if (dict.isEmpty()) {
                out.append("<dict/>\n");
                return;
            }
            out.append("<dict>\n");
            for (Map.Entry<String, NSObject> entry : dict.entrySet()) {
                String key = entry.getKey();
                String at = where.equals("the root") ? key : where + "." + key;
                indent(out, depth + 1);
                out.append("<key>").append(escape(key, at)).append("</key>\n");
                value(out, entry.getValue(), depth + 1, at);
            }
            indent(out, depth);
            out.append("</dict>\n");
        } else if (value instanceof NSArray array) {
            if (array.count() == 0) {
                out.append("<array/>\n");
                return;
            }
            out.append("<array>\n");
            NSObject[] items = array.getArray();
            for (int i = 0; i < items.length; i++) {
                value(out, items[i], depth + 1, where + "[" + i + "]");
            }
            indent(out, depth);
            out.append("</array>\n");
        } else if (value instanceof NSString string) {
            out.append("<string>").append(escape(string.getContent(), where)).append("</string>\n");
        } else if (value instanceof NSNumber number) {
            if (number.isBoolean()) {
                out.append(number.boolValue() ? "<true/>\n" : "<false/>\n");
            } else if (number.isInteger()) {
                out.append("<integer>").append(number.longValue()).append("</integer>\n");
            } else {
                out.append("<real>").append(real(number.doubleValue())).append("</real>\n");
            }
        } else if (value instanceof NSDate date) {
            out.append("<date>").append(date.getDate().toInstant().truncatedTo(ChronoUnit.SECONDS)).append("</date>\n");
        } else if (value instanceof NSData data) {
            out.append("<data>").append(Base64.getEncoder().encodeToString(data.bytes())).append("</data>\n");
        } else {
            throw new IllegalArgumentException(where + " is a " + (value == null ? "null" : value.getClass().getSimpleName())
                    + ", which an XML property list cannot hold");
        }
    }

    private static String real(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+infinity" : "-infinity";
        }
        // Apple's DTD describes a real as ("+" | "-")? d+ ("."d*)? ("E" ("+" | "-") d+)?: a signed exponent.
        String text = Double.toString(value);
        int e = text.indexOf('E');
        return e >= 0 && text.charAt(e + 1) != '-' ? text.substring(0, e + 1) + "+" + text.substring(e + 1) : text;
    }

    static String escape(String text, String where) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r' -> out.append("&#13;");
                case '\t', '\n' -> out.append(c);
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                        throw new IllegalArgumentException(where + " holds the character U+"
                                + String.format("%04X", (int) c) + ", which XML cannot carry; remove it");
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static void indent(StringBuilder out, int depth) {
        out.append("\t".repeat(depth));
    }
}
