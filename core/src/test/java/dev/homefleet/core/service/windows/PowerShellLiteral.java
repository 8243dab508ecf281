package dev.homefleet.core.service.windows;

/**
 * Reads a PowerShell single-quoted string the way PowerShell's tokenizer does, written from the language
 * specification, independently of the code under test: the string ends at any single quote (', U+2018, U+2019,
 * U+201A, U+201B) that another does not follow; two in a row stand for the second.
 */
final class PowerShellLiteral {

    private static final String QUOTES = "'\u2018\u2019\u201A\u201B";

    /** The value and the index just after the closing quote. */
    record Read(String value, int end) {}

    private PowerShellLiteral() {}

    static Read read(String text, int start) {
        if (QUOTES.indexOf(text.charAt(start)) < 0) {
            throw new AssertionError("no single-quoted string at " + start + ": " + text.substring(start));
        }
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (true) {
            if (i >= text.length()) {
                throw new AssertionError("the string opened at " + start + " never closes: " + text);
            }
            char c = text.charAt(i);
            if (QUOTES.indexOf(c) >= 0) {
                if (i + 1 >= text.length() || QUOTES.indexOf(text.charAt(i + 1)) < 0) {
                    return new Read(value.toString(), i + 1);
                }
                c = text.charAt(++i);
            }
            value.append(c);
            i++;
        }
    }

    /** The value of {@code literal}, which must be exactly one single-quoted string. */
    static String value(String literal) {
        Read read = read(literal, 0);
        if (read.end() != literal.length()) {
            throw new AssertionError("the string ends at " + read.end() + " and leaves '"
                    + literal.substring(read.end()) + "' for PowerShell to run");
        }
        return read.value();
    }
}
