package dev.homefleet.core.exec;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShellQuotingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Path PWNED =
            Path.of(System.getProperty("java.io.tmpdir"), "homefleet-pwned-" + ProcessHandle.current().pid());

    /** Arguments a shell would act on if they reached it unquoted. */
    private static final List<String> HOSTILE = List.of(
            "; rm -rf ~",
            "$(touch " + PWNED + ")",
            "\"$(touch " + PWNED + ")\"",
            "`touch " + PWNED + "`",
            "`",
            "$HOME",
            "${IFS}",
            "$0 $1 $@ $* $$ $?",
            "'",
            "''",
            "'\\''",
            "\"",
            "it's \"fine\"",
            "back\\slash",
            "\\",
            "trailing\\",
            "\\n\\t",
            "line one\nline two",
            "\n",
            "tab\there",
            "\r\n",
            "*",
            "~",
            "~root",
            "?",
            "[a-z]*",
            "{a,b}",
            "-n",
            "-e",
            "--",
            "",
            "   ",
            " leading and trailing ",
            "é",
            "中文",
            "😀",
            "!",
            "!!",
            "#",
            "# not a comment",
            "a && b || c | d",
            "> /dev/null 2>&1 <",
            "&",
            "(subshell)",
            "FOO=bar",
            "=ls",
            "%1",
            "if",
            "‘typographic’ “quotes”");

    private final LocalCommandRunner runner = new LocalCommandRunner();

    @BeforeAll
    @AfterAll
    static void removePwnedFile() throws IOException {
        Files.deleteIfExists(PWNED);
    }

    static Stream<String> shells() {
        return Stream.of("/bin/sh", "/bin/bash", "/bin/zsh");
    }

    static Stream<Arguments> everyShellWithEveryHostileArgument() {
        return shells().flatMap(shell -> HOSTILE.stream().map(argument -> Arguments.of(shell, argument)));
    }

    @ParameterizedTest(name = "{0} gives back [{1}]")
    @MethodSource("everyShellWithEveryHostileArgument")
    void a_hostile_argument_comes_back_verbatim_through_a_real_shell(String shell, String argument)
            throws IOException {
        List<String> printed = throughShell(shell, List.of("before", argument, "after"));

        assertThat(printed).containsExactly("before", argument, "after");
        assertThat(PWNED).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shells")
    void all_hostile_arguments_together_come_back_verbatim_through_a_real_shell(String shell) throws IOException {
        List<String> printed = throughShell(shell, HOSTILE);

        assertThat(printed).containsExactlyElementsOf(HOSTILE);
        assertThat(PWNED).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shells")
    void a_program_named_like_an_assignment_or_a_keyword_is_run_as_a_program_not_read_as_syntax(String shell)
            throws IOException {
        requireShell(shell);
        for (List<String> argv : List.of(List.of("FOO=bar", "printf", "ran"), List.of("if", "printf", "ran"))) {
            CommandResult result = runner.run(List.of(shell, "-c", ShellQuoting.posix(argv)), TIMEOUT);

            assertThat(result.exitCode()).as("%s: command not found", argv.get(0)).isEqualTo(127);
            assertThat(result.stdout()).isEmpty();
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"ls", "launchctl", "kickstart", "-k", "--port", "-Xmx512m", "gui/501/dev.homefleet.agent",
            "/usr/local/bin/pm2", "./run.sh", "../up", "under_score", "user@host", "host:22", "10.0.0.2",
            "a,b", "50%", "+x", "v1.2.3", "if", "PATH"})
    void safe_words_stay_bare(String word) {
        assertThat(ShellQuoting.posixWord(word)).isEqualTo(word);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", " ", "a b", "$x", "*", "?", "~", "it's", "\"", "\\", "a\nb", "é", "!", "#", ";", "&",
            "|", "<", ">", "(", ")", "{}", "[x]", "`", "=ls", "FOO=bar", "--port=80"})
    void words_a_shell_would_touch_are_single_quoted(String word) {
        assertThat(ShellQuoting.posixWord(word)).startsWith("'").endsWith("'");
    }

    @Test
    void posix_quotes_only_what_needs_it_and_writes_a_single_quote_as_quote_backslash_quote_quote() {
        assertThat(ShellQuoting.posix(List.of("launchctl", "kickstart", "-k", "gui/501/dev.homefleet.agent")))
                .isEqualTo("launchctl kickstart -k gui/501/dev.homefleet.agent");
        assertThat(ShellQuoting.posix(List.of("printf", "%s\\0", "it's", "")))
                .isEqualTo("printf '%s\\0' 'it'\\''s' ''");
    }

    @Test
    void a_keyword_is_quoted_as_the_program_but_stays_bare_as_an_argument() {
        assertThat(ShellQuoting.posix(List.of("if"))).isEqualTo("'if'");
        assertThat(ShellQuoting.posix(List.of("echo", "if", "then"))).isEqualTo("echo if then");
    }

    @Test
    void no_command_or_an_argument_with_a_nul_is_refused() {
        assertThatThrownBy(() -> ShellQuoting.posix(List.of())).hasMessage("no command given");
        assertThatThrownBy(() -> ShellQuoting.powershell(List.of())).hasMessage("no command given");
        assertThatThrownBy(() -> ShellQuoting.posix(List.of("printf", "a\0b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("argument 1 contains a NUL character, which no program can receive");
        assertThatThrownBy(() -> ShellQuoting.powershell(List.of("prog", "\0")))
                .hasMessage("argument 1 contains a NUL character, which no program can receive");
    }

    @Test
    void powershell_sends_the_script_base64_encoded_as_utf16le_behind_fixed_options() {
        String commandLine = ShellQuoting.powershell(List.of("prog", "it's", "$HOME", "a b", ""));

        String prefix = "powershell.exe -NoProfile -NonInteractive -EncodedCommand ";
        assertThat(commandLine).startsWith(prefix);
        // Only base64 characters follow: nothing cmd.exe or PowerShell could read as syntax.
        assertThat(commandLine.substring(prefix.length())).matches("[A-Za-z0-9+/]+=*");
        assertThat(decodedScript(commandLine)).isEqualTo("$ErrorActionPreference = 'Stop'; & 'prog' 'it''s' '$HOME' 'a b' ''; exit $LASTEXITCODE");
    }

    @Test
    void powershell_doubles_the_typographic_single_quotes_it_also_reads_as_quotes() {
        String script = decodedScript(ShellQuoting.powershell(
                List.of("C:\\Program Files\\x.exe", "‘left’", "‚low‛", "it’s", "\"double\" “curly”")));

        assertThat(script).isEqualTo("$ErrorActionPreference = 'Stop'; & 'C:\\Program Files\\x.exe' '‘‘left’’' '‚‚low‛‛' 'it’’s'"
                + " '\"double\" “curly”'; exit $LASTEXITCODE");
    }

    @Test
    void powershell_scripts_read_back_to_the_hostile_arguments_by_powershell_quoting_rules() {
        List<String> argv = new ArrayList<>(List.of("prog"));
        argv.addAll(HOSTILE);
        argv.addAll(List.of("$(Get-Date)", "@(1,2)", "--%", "`n", "'’", "’'", "‘‘", "‛‚", "’", "x’", "’x", "a''b"));

        String script = decodedScript(ShellQuoting.powershell(argv));

        assertThat(readPowerShellCall(script)).containsExactlyElementsOf(argv);
    }

    private List<String> throughShell(String shell, List<String> arguments) throws IOException {
        requireShell(shell);
        List<String> argv = new ArrayList<>(List.of("printf", "%s\\0"));
        argv.addAll(arguments);

        CommandResult result = runner.run(List.of(shell, "-c", ShellQuoting.posix(argv)), TIMEOUT);

        assertThat(result.stderr()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).endsWith("\0");
        String[] fields = result.stdout().split("\0", -1);
        return Arrays.asList(fields).subList(0, fields.length - 1);
    }

    /** sh and bash are on every machine; zsh (macOS's login shell) is installed by scripts/test. */
    private static void requireShell(String shell) {
        assertThat(Path.of(shell)).as("%s (scripts/test installs it)", shell).isExecutable();
    }

    private static String decodedScript(String commandLine) {
        String encoded = commandLine.substring(commandLine.lastIndexOf(' ') + 1);
        return new String(Base64.getDecoder().decode(encoded), UTF_16LE);
    }

    /**
     * Reads {@code & 'a' 'b'; exit $LASTEXITCODE} back into its words the way PowerShell's tokenizer reads
     * single-quoted strings: any of ' ‘ ’ ‚ ‛ opens and closes one, and two of them in a row stand for the second.
     */
    private static List<String> readPowerShellCall(String script) {
        String suffix = "; exit $LASTEXITCODE";
        String prefix = "$ErrorActionPreference = 'Stop'; & ";
        assertThat(script).startsWith(prefix).endsWith(suffix);
        String body = script.substring(prefix.length(), script.length() - suffix.length());
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < body.length()) {
            if (!words.isEmpty()) {
                assertThat(body.charAt(i)).as("separator at %d", i).isEqualTo(' ');
                i++;
            }
            assertThat(isPowerShellSingleQuote(body.charAt(i))).as("opening quote at %d", i).isTrue();
            i++;
            StringBuilder word = new StringBuilder();
            while (true) {
                assertThat(i).as("unterminated string").isLessThan(body.length());
                char c = body.charAt(i);
                if (isPowerShellSingleQuote(c)) {
                    if (i + 1 < body.length() && isPowerShellSingleQuote(body.charAt(i + 1))) {
                        word.append(body.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                word.append(c);
                i++;
            }
            words.add(word.toString());
        }
        return words;
    }

    private static boolean isPowerShellSingleQuote(char c) {
        return c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B';
    }
}
