package dev.homefleet.core.alert;

/**
 * Telegram's HTML parse mode: only {@code <}, {@code >} and {@code &} need escaping outside tags. Every text that
 * comes from the fleet (service names, error messages, command output) goes through {@link #escape}; the few
 * tags the messages use are written here, around escaped text.
 */
public final class Html {
    private Html() {}

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    public static String bold(String text) {
        return "<b>" + escape(text) + "</b>";
    }

    public static String code(String text) {
        return "<code>" + escape(text) + "</code>";
    }

    /** Preformatted (monospace on a phone), for tables. */
    public static String pre(String text) {
        return "<pre>" + escape(text) + "</pre>";
    }
}
