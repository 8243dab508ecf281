package dev.homefleet.controller.init;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command lines go into fleet.yaml as comments, and command lines carry secrets ({@code --token abc},
 * {@code --api-key=abc}, {@code https://user:password@host}); those are replaced by {@code <redacted>}.
 */
final class Redaction {

    static final String REDACTED = "<redacted>";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential|auth).*");
    private static final Pattern OPTION_WITH_VALUE = Pattern.compile("(-{1,2}[^=]+)=(.*)", Pattern.DOTALL);
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/:@\\s]+):[^@/\\s]+@");

    private Redaction() {}

    static List<String> argv(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        boolean nextIsSecret = false;
        for (String arg : argv) {
            if (nextIsSecret && !arg.startsWith("-")) {
                out.add(REDACTED);
                nextIsSecret = false;
                continue;
            }
            nextIsSecret = false;
            Matcher option = OPTION_WITH_VALUE.matcher(arg);
            if (option.matches() && SECRET_NAME.matcher(option.group(1)).matches()) {
                out.add(option.group(1) + "=" + REDACTED);
            } else if (arg.startsWith("-") && SECRET_NAME.matcher(arg).matches()) {
                out.add(arg);
                nextIsSecret = true;
            } else {
                out.add(URL_PASSWORD.matcher(arg).replaceAll("$1:" + REDACTED + "@"));
            }
        }
        return out;
    }
}
