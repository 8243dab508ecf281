package dev.homefleet.core.service.windows;

import static dev.homefleet.core.service.windows.RecordingRunner.capture;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PowerShellErrorsTest {

    @Test
    void powershell_51_error_keeps_the_message_and_drops_position_and_category_lines() {
        String stderr = capture("restart-service-failed-ps51.stderr.txt");

        assertThat(PowerShellErrors.summary(stderr))
                .isEqualTo("Restart-Service : Failed to start service 'Clawdbot Bot (clawdbot-bot)'.");
        assertThat(PowerShellErrors.saysNoSuchService(stderr)).isFalse();
    }

    @Test
    void powershell_7_box_keeps_the_message_and_drops_the_code_and_tildes() {
        String stderr = capture("get-service-missing-ps74.stderr.txt");

        assertThat(PowerShellErrors.summary(stderr))
                .isEqualTo("Get-Service: Cannot find any service with service name 'nosuch'.");
        assertThat(PowerShellErrors.saysNoSuchService(stderr)).isTrue();
    }

    @Test
    void a_missing_service_is_known_by_its_error_id_in_any_language() {
        String german = capture("get-service-missing-ps51.stderr.txt")
                .replace("Cannot find any service with service name", "Es wurde kein Dienst gefunden mit Namen");

        assertThat(PowerShellErrors.saysNoSuchService(german)).isTrue();
    }

    @Test
    void clixml_errors_are_decoded() {
        String clixml = "#< CLIXML\r\n"
                + "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">"
                + "<S S=\"Error\">Stop-Service : Service &apos;OpenSSH SSH Server (sshd)&apos; cannot be stopped"
                + "_x000D__x000A_</S><S S=\"Error\">At line:9 char:1_x000D__x000A_</S>"
                + "<S S=\"Error\">+ Stop-Service -Name $name_x000D__x000A_</S></Objs>";

        assertThat(PowerShellErrors.summary(clixml))
                .isEqualTo("Stop-Service : Service 'OpenSSH SSH Server (sshd)' cannot be stopped");
    }

    @Test
    void no_error_text_summarises_to_nothing() {
        assertThat(PowerShellErrors.summary("")).isEmpty();
        assertThat(PowerShellErrors.summary("\r\n \r\n")).isEmpty();
    }
}
