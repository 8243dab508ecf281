package dev.homefleet.core.service.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PowerShellScriptTest {

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"sshd", "it's", "a\u2018b", "a\u2019b", "a\u201Ab", "a\u201Bb", "'", "''", "x'",
            "'; Stop-Computer -Force; '", "$(Stop-Computer)", "${env:PATH}", "\"quoted\"", "`n", "a b", "",
            "\u2018\u2019", "Clawdbot Bot", "caf\u00e9 \ud83d\ude00", "line\nbreak"})
    void a_quoted_value_reads_back_verbatim_and_leaves_nothing_to_run(String value) {
        String literal = PowerShellScript.quote(value);

        assertThat(PowerShellLiteral.value(literal)).isEqualTo(value);
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "sshd|'sshd'",
            "it's|'it''s'",
            "a\u2018b|'a\u2018\u2018b'",
            "a\u2019b|'a\u2019\u2019b'",
            "$(x)|'$(x)'"})
    void every_kind_of_single_quote_is_doubled(String value, String literal) {
        assertThat(PowerShellScript.quote(value)).isEqualTo(literal);
    }

    @Test
    void doubling_only_the_ascii_quote_would_let_a_typographic_one_end_the_string() {
        String naive = "'" + "a\u2018; Stop-Computer; \u2018".replace("'", "''") + "'";

        assertThatThrownBy(() -> PowerShellLiteral.value(naive)).hasMessageContaining("for PowerShell to run");
        assertThat(PowerShellLiteral.value(PowerShellScript.quote("a\u2018; Stop-Computer; \u2018")))
                .isEqualTo("a\u2018; Stop-Computer; \u2018");
    }

    @Test
    void a_nul_cannot_be_quoted() {
        assertThatThrownBy(() -> PowerShellScript.quote("a\0b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a PowerShell string cannot hold a NUL character");
    }

    @Test
    void the_argv_runs_the_prelude_and_the_body_base64_encoded_in_utf16le() {
        List<String> argv = PowerShellScript.argv("powershell.exe", "Get-Service -Name 'sshd'");

        assertThat(argv.subList(0, 4)).containsExactly("powershell.exe", "-NoProfile", "-NonInteractive",
                "-EncodedCommand");
        assertThat(argv.get(4)).matches("[A-Za-z0-9+/]+=*");
        assertThat(new String(Base64.getDecoder().decode(argv.get(4)), StandardCharsets.UTF_16LE))
                .isEqualTo(PowerShellScript.PRELUDE + "\nGet-Service -Name 'sshd'");
    }

    @Test
    void the_prelude_stops_on_errors_silences_progress_and_holds_no_double_quote() {
        assertThat(PowerShellScript.PRELUDE)
                .startsWith("$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'SilentlyContinue'\n")
                .contains("function ConvertTo-AsciiJson($value) {")
                .contains("'\\u{0:x4}' -f [int][char]$m.Value")
                .doesNotContain("\"");
        assertThat(PowerShellScript.PRELUDE.lines()).hasSize(7);
    }
}
