package dev.homefleet.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ControlClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir(factory = ShortTempDir.class)
    Path dir;

    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    @Test
    void fifty_clients_at_once_each_get_their_own_answers() throws Exception {
        Path socket = dir.resolve("controller.sock");
        ControlServer server = new ControlServer(socket, 4, Duration.ofSeconds(5))
                .handle("square", data -> data.path("n").asLong() * data.path("n").asLong())
                .start();
        closeAfter.add(server);
        ControlClient shared = new ControlClient(socket);
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch ready = new CountDownLatch(50);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    ready.countDown();
                    ready.await();
                    List<Long> answers = new ArrayList<>();
                    for (int r = 0; r < 10; r++) {
                        long n = client * 100L + r;
                        answers.add(shared.request("square", Map.of("n", n), TIMEOUT).asLong() - n * n);
                    }
                    return answers;
                }));
            }
            for (Future<List<Long>> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).containsOnly(0L).hasSize(10);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_client_retries_until_a_server_that_starts_late_answers() throws Exception {
        Path socket = dir.resolve("agent.sock");
        ControlClient client = new ControlClient(socket, Duration.ofSeconds(10));
        long start = System.nanoTime();
        CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return client.request("ping", null, TIMEOUT);
            } catch (ControlException e) {
                throw new IllegalStateException(e);
            }
        });

        Thread.sleep(700);
        assertThat(answer).isNotDone();
        closeAfter.add(new ControlServer(socket).handle("ping", data -> "pong").start());

        assertThat(answer.get(10, TimeUnit.SECONDS).asText()).isEqualTo("pong");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(700), TIMEOUT);
    }

    @Test
    void a_client_gives_up_with_unavailable_after_its_connect_time() {
        Path socket = dir.resolve("agent.sock");
        ControlClient client = new ControlClient(socket, Duration.ofMillis(400));
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.request("ping", null, TIMEOUT))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.code()).isEqualTo("unavailable");
                    assertThat(e.getMessage()).startsWith("no server answers on " + socket + " (waited ");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
    }

    @Test
    void a_handler_slower_than_the_timeout_gives_timeout() throws Exception {
        Path socket = dir.resolve("agent.sock");
        CountDownLatch release = new CountDownLatch(1);
        closeAfter.add(release::countDown);
        closeAfter.add(0, new ControlServer(socket).handle("slow", data -> release.await(10, TimeUnit.SECONDS)).start());

        assertThatThrownBy(() -> new ControlClient(socket).request("slow", null, Duration.ofMillis(300)))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.code()).isEqualTo("timeout");
                    assertThat(e.getMessage()).isEqualTo("no answer to 'slow' from " + socket + " within 300ms");
                });
    }

    @Test
    void an_answer_carrying_another_requests_id_is_a_protocol_error() throws Exception {
        Path socket = dir.resolve("agent.sock");
        fakeServer(socket, "{\"id\":\"someone-else\",\"status\":\"ok\",\"data\":1}\n");

        assertThatThrownBy(() -> new ControlClient(socket).request("ping", null, TIMEOUT))
                .isInstanceOfSatisfying(ControlException.class, e -> {
                    assertThat(e.code()).isEqualTo("protocol");
                    assertThat(e.getMessage()).startsWith("answer id \"someone-else\" does not match request id \"");
                });
    }

    @Test
    void a_request_larger_than_the_server_accepts_is_refused_before_it_is_sent() {
        Path socket = dir.resolve("agent.sock");

        assertThatThrownBy(() -> new ControlClient(socket).request("echo", "x".repeat(70_000), TIMEOUT))
                .isInstanceOfSatisfying(ControlException.class, e -> assertThat(e.code()).isEqualTo("too_large"));
    }

    @Test
    void each_request_carries_a_fresh_id_and_the_answer_echoing_it_is_accepted() throws Exception {
        Path socket = dir.resolve("agent.sock");
        ServerSocketChannel fake = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        fake.bind(UnixDomainSocketAddress.of(socket));
        closeAfter.add(fake);
        List<String> ids = new CopyOnWriteArrayList<>();
        Thread recorder = new Thread(() -> {
            try {
                for (int i = 0; i < 2; i++) {
                    try (SocketChannel c = fake.accept()) {
                        RawLines lines = new RawLines(c);
                        String id = Envelope.parse(lines.read().getBytes(StandardCharsets.UTF_8)).get("id").asText();
                        ids.add(id);
                        lines.write("{\"id\":\"" + id + "\",\"status\":\"ok\",\"data\":\"" + id + "\"}\n");
                    }
                }
            } catch (Exception e) {
                // the assertions below report what is missing
            }
        });
        recorder.setDaemon(true);
        recorder.start();
        ControlClient client = new ControlClient(socket);

        String first = client.request("a", null, TIMEOUT).asText();
        String second = client.request("b", null, TIMEOUT).asText();

        assertThat(ids).containsExactly(first, second).doesNotHaveDuplicates();
    }

    /** A server that answers every connection's first line with {@code answer}, whatever it asked. */
    private void fakeServer(Path socket, String answer) throws Exception {
        ServerSocketChannel fake = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        fake.bind(UnixDomainSocketAddress.of(socket));
        closeAfter.add(fake);
        Thread thread = new Thread(() -> {
            try (SocketChannel c = fake.accept()) {
                RawLines lines = new RawLines(c);
                lines.read();
                lines.write(answer);
            } catch (Exception e) {
                // closed by the test
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    /** Blocking line I/O on an accepted channel, for fake servers. */
    private static final class RawLines {
        private final SocketChannel channel;

        RawLines(SocketChannel channel) {
            this.channel = channel;
        }

        String read() throws Exception {
            StringBuilder line = new StringBuilder();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (channel.read(one.clear()) > 0 && one.get(0) != '\n') {
                line.append((char) one.get(0));
            }
            return line.toString();
        }

        void write(String text) throws Exception {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
    }
}
