package dev.homefleet.core.exec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one place an argv becomes a command line for a remote shell. SSH hands the remote side a single string that
 * its login shell parses, so every argument is quoted so that the shell gives it back verbatim, whatever it holds
 * ({@code ; rm -rf ~}, {@code $(...)}, quotes, newlines, unicode).
 */
public final class ShellQuoting {

    /**
     * Words no shell expands: left bare so logs stay readable. Not {@code =}: zsh expands {@code =word} to a path, and
     * every shell reads a leading {@code NAME=value} as an assignment instead of the program.
     */
    private static final Pattern POSIX_SAFE = Pattern.compile("[A-Za-z0-9_@%+:,./-]+");

    /** Words sh, bash or zsh read as syntax, not as a program name, when they come first and bare. */
    private static final Set<String> POSIX_RESERVED = Set.of(
            "case", "coproc", "do", "done", "elif", "else", "end", "esac", "fi", "for", "foreach", "function", "if",
            "in", "nocorrect", "noglob", "repeat", "select", "then", "time", "until", "while");

    private ShellQuoting() {}

    /** For sh, bash, zsh, dash (macOS and Linux): each argument in single quotes, a single quote as {@code '\''}. */
    public static String posix(List<String> argv) {
        requireArgs(argv);
        String program = argv.get(0);
        String first = POSIX_RESERVED.contains(program) ? quote(program) : posixWord(program);
        return Stream.concat(Stream.of(first), argv.stream().skip(1).map(ShellQuoting::posixWord))
                .collect(Collectors.joining(" "));
    }

    static String posixWord(String word) {
        return POSIX_SAFE.matcher(word).matches() ? word : quote(word);
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * For Windows, whose OpenSSH server hands the string to cmd.exe or PowerShell depending on its setup: the argv
     * becomes a PowerShell script ({@code & 'prog' 'arg'}, single quotes doubled) sent base64-encoded with
     * {@code -EncodedCommand}, which both shells pass through untouched. The exit code is the program's.
     *
     * <p>The script gets every argument verbatim. Windows PowerShell 5.1 then rebuilds a command line for a native
     * program without escaping embedded {@code "} and drops empty arguments; a program may not see those as sent.
     */
    public static String powershell(List<String> argv) {
        requireArgs(argv);
        // Stop: a program that cannot be found is a terminating error (exit 1), not a silent $LASTEXITCODE of 0.
        String script = "$ErrorActionPreference = 'Stop'; & " + argv.stream().map(ShellQuoting::powershellWord).collect(Collectors.joining(" "))
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
        for (int i = 0; i < argv.size(); i++) {
            // A program receives its arguments as C strings: a NUL would cut one short, or end the command line.
            if (argv.get(i).indexOf('\0') >= 0) {
                throw new IllegalArgumentException("argument " + i + " contains a NUL character, which no program"
                        + " can receive");
            }
        }
    }
}
