package dev.homefleet.controller.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gate's small decisions; what they add up to over HTTP is in {@link AuthFlowTest} and {@link AuthMatrixTest}. */
class GateTest {

    @ParameterizedTest(name = "Host {0} with bind {1}: local {2}")
    @CsvSource(nullValues = "none", value = {
            "127.0.0.1:8420,          127.0.0.1,       true",
            "localhost:8420,          127.0.0.1,       true",
            "LOCALHOST,               127.0.0.1,       true",
            "[::1]:8420,              127.0.0.1,       true",
            "127.9.9.9,               0.0.0.0,         true",
            "100.125.165.107:8420,    100.125.165.107, true",
            "100.125.165.107:8420,    0.0.0.0,         false",
            "evil.example:8420,       127.0.0.1,       false",
            "localhost.evil.example,  127.0.0.1,       false",
            "127.0.0.1.nip.io:8420,   127.0.0.1,       false",
            "none,                    127.0.0.1,       false",
            "'',                      127.0.0.1,       false",
    })
    void a_request_counts_as_this_machine_only_with_a_host_header_of_loopback_or_the_bound_address(String host,
            String bind, boolean local) {
        assertThat(Gate.localHost(host, bind)).isEqualTo(local);
    }

    @ParameterizedTest(name = "Origin {0}, Host {1}: same {2}")
    @CsvSource({
            "http://100.125.165.107:8420,  100.125.165.107:8420, true",
            "http://localhost:8420,        localhost:8420,       true",
            "https://fleet.example,        fleet.example,        true",
            "https://fleet.example:443,    fleet.example,        true",
            "http://fleet.example,         fleet.example:80,     true",
            "http://[::1]:8420,            [::1]:8420,           true",
            "http://100.125.165.107:8421,  100.125.165.107:8420, false",
            "https://evil.example,         100.125.165.107:8420, false",
            "http://fleet.example,         fleet.example:8420,   false",
            "null,                         fleet.example,        false",
            "file://,                      fleet.example,        false",
    })
    void an_origin_is_this_server_when_host_and_port_match_the_host_header(String origin, String host,
            boolean same) {
        assertThat(Gate.sameOrigin(origin, host)).isEqualTo(same);
    }

    @ParameterizedTest(name = "{0} {1}: open {2}")
    @CsvSource({
            "GET,  /login,                     true",
            "POST, /login,                     true",
            "POST, /logout,                    true",
            "GET,  /login/link/abc,            true",
            "POST, /login/link/abc,            true",
            "GET,  /login/link/abc/more,       false",
            "GET,  /app.css,                   true",
            "GET,  /app.js,                    true",
            "GET,  /manifest.webmanifest,      true",
            "GET,  /icon.svg,                  true",
            "GET,  /login.html,                true",
            "GET,  /,                          false",
            "GET,  /index.html,                false",
            "GET,  /api/v1/fleet,              false",
            "GET,  /api/v1/openapi.json,       false",
            "POST, /app.js,                    false",
            "GET,  /metrics,                   false",
    })
    void only_signing_in_and_the_login_pages_files_are_open_to_anyone(String method, String path, boolean open) {
        assertThat(Gate.open(method.equals("GET"), path)).isEqualTo(open);
    }

    @ParameterizedTest(name = "{0}: exempt {1}")
    @CsvSource({
            "/api/log,                       true",
            "/api/v1/checkins/backup,        true",
            "/api/v1/failover/events,        true",
            "/api/v1/checkins/backup/pause,  false",
            "/api/v1/checkins/,              false",
            "/api/v1/checkins/backup/,       false",
            "/api/v1/jobs/healer/run,        false",
            "/logout,                        false",
    })
    void only_the_writes_machines_send_skip_the_csrf_token(String path, boolean exempt) {
        assertThat(Gate.csrfExempt(path)).isEqualTo(exempt);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/services?machine=macbook, /services?machine=macbook",
            "/,                         /",
            "//evil.example,            /",
            "/\\\\evil.example,         /",
            "https://evil.example,      /",
            "evil,                      /",
            "'/a\tb',                   /",
    })
    void after_signing_in_a_page_goes_only_to_a_path_of_this_server(String next, String to) {
        assertThat(AuthRoutes.safeNext(next)).isEqualTo(to);
    }
}
