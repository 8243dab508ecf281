package dev.homefleet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackEndpointsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(500)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void each_endpoint_has_a_port_of_its_own_and_every_nth_hangs() throws Exception {
        try (LoopbackEndpoints endpoints = new LoopbackEndpoints(6, 3)) {
            List<String> urls = endpoints.urls();
            assertThat(urls).hasSize(6).doesNotHaveDuplicates()
                    .allSatisfy(u -> assertThat(u).matches("http://127\\.0\\.0\\.1:\\d+/health"));
            assertThat(List.of(0, 1, 2, 3, 4, 5)).filteredOn(endpoints::hangs).containsExactly(0, 3);

            HttpResponse<String> healthy = get(urls.get(1));
            assertThat(healthy.statusCode()).isEqualTo(200);
            assertThat(healthy.body()).isEqualTo("ok");
            assertThat(get(urls.get(5)).statusCode()).isEqualTo(200);
            assertThat(endpoints.answered()).isEqualTo(2);

            assertThatThrownBy(() -> get(urls.get(3))).isInstanceOf(HttpTimeoutException.class);
        }
    }
}
