package dev.homefleet.core.exec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place an argv becomes a command line for a remote shell. SSH hands the remote side a single string that
 * its login shell parses, so every argument is quoted so that the shell gives it back verbatim, whatever it holds
 * ({@code ; rm -rf ~}, {@code $(...)}, quotes, newlines, unicode).
 */
public final class ShellQuoting {

    private ShellQuoting() {}

    /** For sh, bash, zsh, dash (macOS and Linux): each argument in single quotes, a single quote as {@code '\''}. */
    public static String posix(List<String> argv) {
        requireArgs(argv);
        return argv.stream().map(ShellQuoting::posixWord).collect(Collectors.joining(" "));
    }

    static String posixWord(String word) {
        if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * For Windows, whose OpenSSH server hands the string to cmd.exe or PowerShell depending on its setup: the argv
     * becomes a PowerShell script ({@code & 'prog' 'arg'}, single quotes doubled) sent base64-encoded with
     * {@code -EncodedCommand}, which both shells pass through untouched. The exit code is the program's.
     */
    public static String powershell(List<String> argv) {
        requireArgs(argv);
        String script = "& " + argv.stream().map(ShellQuoting::powershellWord).collect(Collectors.joining(" "))
                + "; exit $LASTEXITCODE";
        String encoded = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_16LE));
        return "powershell.exe -NoProfile -NonInteractive -EncodedCommand " + encoded;
    }

    static String powershellWord(String word) {
        // PowerShell treats the typographic quotes as quotes too, so they are doubled like the ASCII one.
        return "'" + word.replaceAll("(['\u2018\u2019\u201A\u201B])", "$1$1") + "'";
    }

    private static void requireArgs(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command given");
        }
    }
}
