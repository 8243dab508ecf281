package dev.homefleet.controller.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.homefleet.controller.web.LoginLinks;
import dev.homefleet.controller.web.Tokens;
import dev.homefleet.controller.web.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The tokens, session cookies and login-link codes never reach the log, however they are used or misused: every line
 * of homefleet's own (at DEBUG, more than a daemon ever logs) and of its libraries (at INFO) is read while a phone
 * signs in, guesses, uses a link twice, acts, opens the live socket and logs out.
 */
class SecretsStayOutOfTheLogTest {
    private static final String ADMIN = "admin-5ecret-9f3c2a71";
    private static final String VIEWER = "viewer-5ecret-d40b8e";

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger ours = (Logger) LoggerFactory.getLogger("dev.homefleet");
    private Level rootLevel;
    private Level ourLevel;
    private LocalFleet fleet;
    private WebClient phone;

    @BeforeEach
    void capture() {
        rootLevel = root.getLevel();
        ourLevel = ours.getLevel();
        root.setLevel(Level.INFO);
        ours.setLevel(Level.DEBUG);
        captured.start();
        root.addAppender(captured);
    }

    @AfterEach
    void release() {
        if (phone != null) {
            phone.close();
        }
        if (fleet != null) {
            fleet.close();
        }
        root.detachAppender(captured);
        root.setLevel(rootLevel);
        ours.setLevel(ourLevel);
    }

    @Test
    void no_token_cookie_or_link_code_is_ever_logged() throws Exception {
        fleet = new LocalFleet(dir);
        fleet.writeOneIdleService();
        fleet.start(new Tokens(ADMIN, VIEWER));
        phone = WebClient.remote(fleet.daemon().url());
        List<String> secrets = new ArrayList<>(List.of(ADMIN, VIEWER));

        for (int i = 0; i < 6; i++) { // past the limit: the refusals are logged
            String guess = "guess-5ecret-" + i;
            secrets.add(guess);
            phone.post("/login").form("token=" + guess).send();
        }
        fleet.daemon().webAuth().limiter().succeeded("127.0.0.1");
        phone.get("/api/v1/fleet").bearer("wrong-5ecret-bearer").send();
        secrets.add("wrong-5ecret-bearer");
        String admin = phone.post("/login").json("{\"token\":\"" + ADMIN + "\"}").send().session().orElseThrow();
        String viewer = phone.post("/login").form("token=" + VIEWER).send().session().orElseThrow();
        secrets.addAll(List.of(admin, viewer));
        LoginLinks.Link link = fleet.daemon().webAuth().links().create(Tokens.Role.ADMIN);
        secrets.add(link.code());
        phone.get("/login/link/" + link.code()).send();
        String linked = phone.post("/login/link/" + link.code()).send().session().orElseThrow();
        secrets.add(linked);
        phone.post("/login/link/" + link.code()).send(); // used up
        String csrf = phone.get("/api/v1/session").cookie(admin).send().json().path("csrf").asText();
        secrets.add(csrf);
        phone.post("/api/v1/jobs/checks/run").cookie(admin).header("X-CSRF-Token", csrf).send();
        phone.post("/api/v1/services/here/web/restart").bearer(ADMIN).send();
        phone.post("/api/v1/jobs/checks/run").cookie(viewer).header("X-CSRF-Token", "wrong-5ecret-csrf").send();
        phone.upgrade("/ws", Map.of("Cookie", "homefleet_session=" + viewer));
        phone.upgrade("/ws", Map.of("Cookie", "homefleet_session=forged-5ecret-cookie"));
        secrets.add("forged-5ecret-cookie");
        phone.post("/logout").cookie(admin).send();
        fleet.close();
        fleet = null;

        List<String> lines = captured.list.stream().map(SecretsStayOutOfTheLogTest::render).toList();
        assertThat(lines).as("what was logged").anyMatch(line -> line.contains("failed sign-ins from"))
                .anyMatch(line -> line.contains("asked over HTTP"));
        for (String secret : secrets) {
            assertThat(lines).as("lines with %s", secret).noneMatch(line -> line.contains(secret));
        }
        assertThat(lines).as("nothing of the made-up secrets either")
                .noneMatch(line -> line.contains("5ecret"));
    }

    private static String render(ILoggingEvent event) {
        String line = event.getLoggerName() + " " + event.getFormattedMessage();
        if (event.getThrowableProxy() != null) {
            line += "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy());
        }
        if (event.getMDCPropertyMap() != null && !event.getMDCPropertyMap().isEmpty()) {
            line += " " + event.getMDCPropertyMap().entrySet().stream().map(Object::toString)
                    .collect(Collectors.joining(" "));
        }
        return line;
    }
}
