package dev.homefleet.core.service.windows;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sentence a person needs from what PowerShell wrote to stderr. Windows PowerShell 5.1 writes an error as
 * {@code Cmdlet : message} followed by its position ({@code At line:5 char:12}, the code, tildes) and
 * {@code + CategoryInfo} lines; PowerShell 7 writes {@code Cmdlet:} and a box of {@code Line |} lines ending with
 * {@code | message}; either may come as CLIXML ({@code #< CLIXML}) when PowerShell serializes its streams.
 */
final class PowerShellErrors {

    /** What Get-, Start-, Stop- and Restart-Service say of a name no service has, in English. */
    static final String NO_SUCH_SERVICE = "Cannot find any service with service name";
    /** The same error's id, which Windows PowerShell 5.1 prints in every language. */
    static final String NO_SUCH_SERVICE_ID = "NoServiceFoundForGivenName";

    private static final int MAX_LENGTH = 600;
    private static final Pattern CLIXML_ERROR = Pattern.compile("<S S=\"Error\">(.*?)</S>", Pattern.DOTALL);
    private static final Pattern CLIXML_ESCAPE = Pattern.compile("_x([0-9A-Fa-f]{4})_");
    private static final Pattern BOX_LINE = Pattern.compile("^\\s*(?:Line|\\d+)?\\s*\\|(.*)$");

    private PowerShellErrors() {}

    static boolean saysNoSuchService(String text) {
        return text.contains(NO_SUCH_SERVICE) || text.contains(NO_SUCH_SERVICE_ID);
    }

    /** The error messages in {@code stderr} on one line, without positions and category lines; "" for none. */
    static String summary(String stderr) {
        String text = stderr.contains("#< CLIXML") ? fromClixml(stderr) : stderr;
        List<String> kept = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String stripped = line.strip();
            Matcher box = BOX_LINE.matcher(line);
            if (box.matches()) {
                // PowerShell 7's box: "Line |", "   5 |  code", "     |  ~~~~", "     | message". Keep the message.
                String content = box.group(1).strip();
                if (!line.strip().startsWith("|") || content.isEmpty() || content.chars().allMatch(c -> c == '~')) {
                    continue;
                }
                kept.add(content);
            } else if (!stripped.isEmpty() && !stripped.startsWith("+") && !stripped.startsWith("At line:")
                    && !stripped.startsWith("At char:") && !stripped.startsWith("#< CLIXML")) {
                kept.add(stripped);
            }
        }
        String summary = String.join(" ", kept).replaceAll("\\s+", " ").strip();
        return summary.length() > MAX_LENGTH ? summary.substring(0, MAX_LENGTH) + "..." : summary;
    }

    private static String fromClixml(String stderr) {
        StringBuilder text = new StringBuilder();
        Matcher error = CLIXML_ERROR.matcher(stderr);
        while (error.find()) {
            String unescaped = CLIXML_ESCAPE.matcher(error.group(1))
                    .replaceAll(m -> Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
            text.append(unescaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                    .replace("&apos;", "'").replace("&amp;", "&"));
        }
        return text.toString();
    }
}
