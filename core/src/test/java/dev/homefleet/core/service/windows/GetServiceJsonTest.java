package dev.homefleet.core.service.windows;

import static dev.homefleet.core.service.windows.RecordingRunner.capture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.homefleet.core.service.ServiceState.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GetServiceJsonTest {

    @Test
    void powershell_51_writes_the_enums_as_numbers() {
        assertThat(GetServiceJson.parse(capture("get-service-sshd-running-ps51.json")))
                .isEqualTo(new GetServiceJson("sshd", "OpenSSH SSH Server", WindowsStatus.RUNNING, "Automatic"));
    }

    @Test
    void powershell_74_writes_the_enums_as_names() {
        assertThat(GetServiceJson.parse(capture("get-service-clawdbot-stopped-ps74.json")))
                .isEqualTo(new GetServiceJson("clawdbot-bot", "Clawdbot Bot", WindowsStatus.STOPPED, "Automatic"));
    }

    @Test
    void plain_convertto_json_with_its_indent_reads_the_same() {
        assertThat(GetServiceJson.parse(capture("get-service-tailscale-ps51-pretty.json")))
                .isEqualTo(new GetServiceJson("Tailscale", "Tailscale", WindowsStatus.RUNNING, "Automatic"));
    }

    @ParameterizedTest(name = "Status {0} / \"{1}\" -> {2}")
    @CsvSource({
            "1, Stopped, STOPPED",
            "2, StartPending, STARTING",
            "3, StopPending, STOPPING",
            "4, Running, RUNNING",
            "5, ContinuePending, STARTING",
            "6, PausePending, STOPPING",
            "7, Paused, STOPPED"})
    void every_status_reads_the_same_as_number_and_as_name(int number, String name, State state) {
        String asNumber = "{\"Name\":\"sshd\",\"Status\":" + number + ",\"StartType\":3}";
        String asName = "{\"Name\":\"sshd\",\"Status\":\"" + name + "\",\"StartType\":\"Manual\"}";

        GetServiceJson fromNumber = GetServiceJson.parse(asNumber);
        GetServiceJson fromName = GetServiceJson.parse(asName);

        assertThat(fromNumber).isEqualTo(fromName);
        assertThat(fromNumber.status().code()).isEqualTo(number);
        assertThat(fromNumber.status().displayName()).isEqualTo(name);
        assertThat(fromNumber.status().state()).isEqualTo(state);
        assertThat(fromNumber.startType()).isEqualTo("Manual");
    }

    @ParameterizedTest(name = "StartType {0} -> {1}")
    @CsvSource({"0, Boot", "1, System", "2, Automatic", "3, Manual", "4, Disabled"})
    void every_start_type_number_has_its_name(int number, String name) {
        assertThat(GetServiceJson.parse("{\"Name\":\"x\",\"Status\":1,\"StartType\":" + number + "}").startType())
                .isEqualTo(name);
    }

    @Test
    void ascii_escapes_of_the_status_script_come_back_as_the_characters() {
        GetServiceJson service = GetServiceJson.parse(
                "{\"Name\":\"cafe\",\"DisplayName\":\"Caf\\u00e9 \\ud83d\\ude00 it\\u0027s\",\"Status\":4}\r\n");

        assertThat(service.displayName()).isEqualTo("Caf\u00e9 \ud83d\ude00 it's");
        assertThat(service.startType()).isNull();
    }

    @Test
    void a_banner_before_the_json_is_skipped() {
        String banner = "Windows PowerShell\r\nCopyright (C) Microsoft Corporation. All rights reserved.\r\n\r\n";

        assertThat(GetServiceJson.parse(banner + capture("get-service-sshd-running-ps51.json")).name())
                .isEqualTo("sshd");
    }

    @Test
    void output_that_is_not_a_service_is_refused_with_what_it_was() {
        assertThatThrownBy(() -> GetServiceJson.parse("nothing here"))
                .hasMessage("Get-Service printed no JSON object: nothing here");
        assertThatThrownBy(() -> GetServiceJson.parse("{\"Status\":4}"))
                .hasMessage("Get-Service printed an object without a Name: {\"Status\":4}");
        assertThatThrownBy(() -> GetServiceJson.parse("{\"Name\":\"x\",\"Status\":\"Sleeping\"}"))
                .hasMessageStartingWith("unknown service state 'Sleeping'");
        assertThatThrownBy(() -> GetServiceJson.parse("{\"Name\":\"x\",\"Status\":1,\"StartType\":9}"))
                .hasMessage("unknown StartType 9; .NET knows 0 (Boot) to 4 (Disabled)");
    }
}
