package dev.homefleet.core.service.windows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A PowerShell script as the argv that runs it. The script travels base64-encoded with {@code -EncodedCommand}: no
 * layer between here and PowerShell (cmd.exe, the SSH server, Windows PowerShell 5.1 rebuilding a native command
 * line, which drops embedded double quotes) can touch it. Values inside the script are PowerShell single-quoted
 * strings, in which nothing expands.
 */
public final class PowerShellScript {

    /** PowerShell closes a single-quoted string on any of these and reads two in a row as one literal quote. */
    private static final Pattern SINGLE_QUOTES = Pattern.compile("(['\u2018\u2019\u201A\u201B])");

    /*
     * Every script starts with this. Stop: the first failing cmdlet ends the script with exit code 1 and its error on
     * stderr. No progress records: over SSH they would reach stderr as CLIXML. UTF-8 out where a console exists;
     * where setting it fails (no console), ConvertTo-AsciiJson still keeps the JSON pure ASCII, so no code page can
     * garble a display name or an event message.
     */
    static final String PRELUDE = String.join("\n",
            "$ErrorActionPreference = 'Stop'",
            "$ProgressPreference = 'SilentlyContinue'",
            "try { [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false) } catch { }",
            "function ConvertTo-AsciiJson($value) {",
            "    $json = ConvertTo-Json -InputObject $value -Depth 3 -Compress",
            "    [regex]::Replace($json, '[^\\x00-\\x7F]', { param($m) '\\u{0:x4}' -f [int][char]$m.Value })",
            "}");

    private PowerShellScript() {}

    /** {@code value} as a PowerShell single-quoted string literal, which PowerShell reads back verbatim. */
    public static String quote(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a PowerShell string cannot hold a NUL character");
        }
        return "'" + SINGLE_QUOTES.matcher(value).replaceAll("$1$1") + "'";
    }

    /** The argv that runs {@code body} after {@link #PRELUDE} with {@code program} (powershell.exe or pwsh.exe). */
    public static List<String> argv(String program, String body) {
        String script = PRELUDE + "\n" + body;
        String encoded = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_16LE));
        return List.of(program, "-NoProfile", "-NonInteractive", "-EncodedCommand", encoded);
    }
}
