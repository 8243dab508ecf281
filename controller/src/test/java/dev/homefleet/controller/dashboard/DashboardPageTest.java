package dev.homefleet.controller.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's own logic in real headless Chromium at an iPhone's size, against {@link FixtureController} (the
 * controller's contract played from fixture files): values are shown as text, deltas and events change the page
 * without a reload, admins act with the CSRF token and viewers see no buttons, the log tail subscribes only while
 * open, and the connection pings, notices a dead socket, backs off and resynchronises.
 */
class DashboardPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    private static Browser browser;
    private FixtureController controller;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.iphone(dir, false);
    }

    @AfterAll
    static void quitBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void startController() throws Exception {
        controller = new FixtureController(0);
    }

    @AfterEach
    void stopController() {
        if (controller != null) {
            controller.close();
        }
    }

    private void openLive() {
        browser.open(controller.url() + "/");
        await().atMost(WAIT).until(() -> "live".equals(browser.attribute("conn", "data-state")));
        await().atMost(WAIT).until(() -> controller.subscribed("state"));
    }

    @Test
    void the_overview_shows_the_fleet_state_incidents_and_a_card_per_machine_with_bars_and_sparklines() {
        openLive();

        assertThat(browser.attribute("overall", "data-state")).isEqualTo("down");
        assertThat(browser.text("counts")).isEqualTo("2/3 machines · 5/8 services up");
        assertThat(browser.all("incident")).hasSize(3);
        assertThat(browser.all("incident").get(1).getText())
                .isEqualTo("macmini/aphos-server-dev down for 3m — connection refused");
        assertThat(browser.attribute("machine-macbook", "data-health")).isEqualTo("up");
        assertThat(browser.attribute("machine-msi", "data-health")).isEqualTo("down");
        assertThat(browser.text("machine-msi")).contains("agent 10.144.238.77:8421: connect timed out");
        assertThat(browser.text("machine-macmini")).contains("CPU", "78%", "Memory", "85%", "Swap", "90%",
                "/Volume");
        await().atMost(WAIT).until(() -> "289".equals(browser.attribute("spark-macbook-cpu", "data-points")));
        for (String series : List.of("cpu", "memory", "swap", "disk")) {
            assertThat(browser.attribute("spark-macmini-" + series, "data-points")).isEqualTo("289");
        }
        assertThat(browser.all("attention").get(0).getText()).contains("lume-update", "crash-monitor")
                .doesNotContain("git-auto-sync");
    }

    @Test
    void names_and_descriptions_are_shown_as_text_never_run_as_markup() {
        openLive();
        browser.view("services");

        String description = browser.text("service-macbook-crabwalk", "description");
        assertThat(description).isEqualTo(
                "Crabwalk <b>community</b> monitoring dashboard & <img src=x onerror=alert(1)>");
        assertThat(browser.script("return document.querySelectorAll('main b:not(.facts b), img[src=x]').length"))
                .isEqualTo(0L);
    }

    @Test
    void a_state_delta_turns_a_service_red_without_a_reload_and_events_join_the_feed() throws Exception {
        openLive();
        browser.view("services");
        browser.script("window.notReloaded = true");
        assertThat(browser.attribute("service-macbook-ollama", "data-health")).isEqualTo("up");

        ObjectNode machine = controller.fleet().path("machines").path("macbook").deepCopy();
        ObjectNode ollama = (ObjectNode) machine.path("services").path("ollama");
        ollama.put("health", "down").put("detail", "connection refused");
        ObjectNode delta = JSON.createObjectNode();
        delta.putObject("machines").set("macbook", machine);
        delta.set("summary", JSON.readTree("{\"overall\":\"down\",\"machines_up\":2,\"machines\":3,"
                + "\"services_up\":4,\"services\":8,\"incidents\":[]}"));
        controller.publish("state", "delta", delta);

        await().atMost(WAIT).until(() -> "down".equals(browser.attribute("service-macbook-ollama", "data-health")));
        assertThat(browser.text("counts")).isEqualTo("2/3 machines · 4/8 services up");
        assertThat(browser.attribute("machine-macmini", "data-health")).as("other entries stay").isEqualTo("up");
        assertThat(browser.present("service-macmini-aphos-server-prod")).isTrue();

        controller.publish("events", "service.down", JSON.readTree("{\"id\":99,\"type\":\"service.down\","
                + "\"ts\":\"" + java.time.Instant.now() + "\",\"machine\":\"macbook\",\"service\":\"ollama\","
                + "\"severity\":\"critical\",\"message\":\"macbook/ollama is down\",\"data\":{}}"));
        browser.view("events");
        await().atMost(WAIT).until(() -> browser.text("event") != null && browser.text("event")
                .contains("macbook/ollama is down"));
        assertThat(browser.attribute("event", "data-type")).isEqualTo("service.down");
        assertThat(browser.script("return window.notReloaded === true")).isEqualTo(true);
    }

    @Test
    void an_admin_restarts_a_service_and_runs_a_job_with_the_csrf_token() throws Exception {
        openLive();
        browser.view("services");

        browser.click("restart-macmini-aphos-server-dev");
        browser.driver.switchTo().alert().accept();

        await().atMost(WAIT).until(() -> !controller.acts.isEmpty());
        String csrf = controller.localCsrf();
        assertThat(csrf).isNotBlank();
        assertThat(controller.acts.get(0)).isEqualTo(new FixtureController.Act(
                "/api/v1/services/macmini/aphos-server-dev/restart", csrf));
        await().atMost(WAIT).until(() -> "macmini/aphos-server-dev restarted".equals(browser.text("toast")));

        browser.view("jobs");
        browser.click("run-healer");
        await().atMost(WAIT).until(() -> controller.acts.size() == 2);
        assertThat(controller.acts.get(1)).isEqualTo(new FixtureController.Act("/api/v1/jobs/healer/run", csrf));
    }

    @Test
    void a_failover_shows_its_state_counts_and_last_transitions_and_admins_can_pin_it() {
        openLive();
        browser.view("failover");

        await().atMost(WAIT).until(() -> browser.all("transition").size() == 3);
        assertThat(browser.attribute("failover-gateway", "data-state")).isEqualTo("standby");
        assertThat(browser.text("failover-gateway")).contains("macbook/clawdbot-gateway → macmini/clawdbot-gateway",
                "0 failed checks in a row", "5 passed", "5 passed checks in a row (rise 5)");
        assertThat(browser.all("transition").get(0).getText()).startsWith("yield").endsWith(
                "the Mac Mini yielded the gateway back to the MacBook");

        browser.click("promote-gateway");
        browser.driver.switchTo().alert().accept();
        await().atMost(WAIT).until(() -> !controller.acts.isEmpty());
        assertThat(controller.acts.get(0).path()).isEqualTo("/api/v1/failover/gateway/promote");
    }

    @Test
    void a_viewer_signed_in_from_another_address_sees_everything_but_no_button_that_acts() {
        browser.open("http://" + Browser.NAME + ":" + controller.port() + "/");
        await().atMost(WAIT).until(() -> browser.driver.getCurrentUrl().contains("/login"));
        browser.byTestId("token").sendKeys(FixtureController.VIEWER);
        browser.click("login-submit");
        await().atMost(WAIT).until(() -> "live".equals(browser.attribute("conn", "data-state")));
        assertThat(browser.text("role")).isEqualTo("viewer");
        assertThat(browser.driver.findElement(Browser.testId("logout")).isDisplayed()).isTrue();

        browser.view("services");
        assertThat(browser.present("service-macmini-aphos-server-dev")).isTrue();
        assertThat(browser.present("logs-macmini-aphos-server-dev")).isTrue();
        assertThat(browser.script("return document.querySelectorAll('[data-testid^=restart-]').length"))
                .isEqualTo(0L);
        browser.view("jobs");
        assertThat(browser.present("job-healer")).isTrue();
        assertThat(browser.present("run-healer")).isFalse();
        browser.view("failover");
        assertThat(browser.present("failover-gateway")).isTrue();
        assertThat(browser.present("promote-gateway")).isFalse();
    }

    @Test
    void the_log_tail_follows_a_service_only_while_its_panel_is_open() throws Exception {
        openLive();
        browser.view("services");
        browser.click("logs-macbook-crabwalk");
        await().atMost(WAIT).until(() -> controller.subscribed("logs:macbook/crabwalk"));
        assertThat(browser.attribute("log-panel", "data-target")).isEqualTo("macbook/crabwalk");

        controller.publish("logs:macbook/crabwalk", "log", JSON.readTree(
                "{\"target\":\"macbook/crabwalk\",\"lines\":[\"listening on 9009\",\"<script>alert(1)</script>\"]}"));
        controller.publish("logs:macbook/crabwalk", "log", JSON.readTree(
                "{\"target\":\"macbook/crabwalk\",\"lines\":[\"GET / 200\"]}"));
        await().atMost(WAIT).until(() -> "listening on 9009\n<script>alert(1)</script>\nGET / 200"
                .equals(browser.text("log-lines")));

        browser.click("log-close");
        await().atMost(WAIT).until(() -> !controller.subscribed("logs:macbook/crabwalk"));
        assertThat(browser.driver.findElement(Browser.testId("log-panel")).isDisplayed()).isFalse();
        assertThat(controller.subscribed("state")).isTrue();
    }

    @Test
    void after_the_connection_drops_the_page_says_reconnecting_then_resyncs_from_the_new_snapshot()
            throws Exception {
        openLive();
        ((ObjectNode) controller.fleet().path("summary")).put("overall", "ok");

        controller.dropAll();

        await().atMost(WAIT).until(() -> "reconnecting…".equals(browser.text("conn")));
        await().atMost(WAIT).until(() -> "live".equals(browser.text("conn")));
        await().atMost(WAIT).until(() -> "ok".equals(browser.attribute("overall", "data-state")));
        await().atMost(WAIT).until(() -> controller.subscribed("state") && controller.subscribed("events")
                && controller.subscribed("metrics") && controller.subscribed("failover"));
    }

    @Test
    void the_connection_pings_gives_up_on_a_silent_socket_and_backs_off_doubling_with_jitter() throws Exception {
        browser.open(controller.url() + "/login");
        startLive(Map.of("pingMs", 200, "silentMs", 700, "firstDelayMs", 200, "maxDelayMs", 800));
        await().atMost(WAIT).until(() -> states().contains("live"));
        await().atMost(WAIT).until(() -> controller.received.stream().filter(m -> m.contains("\"ping\"")).count() >= 2);

        controller.mute = true;
        await().atMost(WAIT).until(() -> states().contains("reconnecting"));
        controller.mute = false;
        await().atMost(WAIT).until(() -> states().lastIndexOf("live") > states().indexOf("reconnecting"));
        int port = controller.port();
        long snapshots = snapshots();

        controller.close();
        controller = null;
        await().atMost(WAIT).until(() -> delays().size() >= 6);
        List<Long> delays = delays();
        long[] bases = {200, 400, 800, 800, 800};
        for (int i = 0; i < bases.length; i++) {
            // the first after the mute is attempt 0 again (it had been live)
            assertThat(delays.get(i + 1)).as("delay %d of %s", i, delays).isBetween(bases[i] / 2, bases[i]);
        }
        controller = new FixtureController(port);
        await().atMost(WAIT).until(() -> controller.subscribed("state"));
        await().atMost(WAIT).until(() -> snapshots() == snapshots + 1);
    }

    private long snapshots() {
        return (Long) browser.script("return window.test.types.filter(t => t === 'snapshot').length");
    }

    private void startLive(Map<String, Integer> timing) throws Exception {
        Object ok = browser.driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/live.js').then(({Live}) => {
                  window.test = {states: [], delays: [], types: []};
                  const live = new Live(arguments[0], {
                    onMessage: (m) => window.test.types.push(m.type),
                    onState: (s, d) => { window.test.states.push(s); if (d !== undefined) window.test.delays.push(d); },
                    timing: JSON.parse(arguments[1])});
                  live.subscribe(['state']);
                  live.start();
                  done(true);
                }, (e) => done(String(e)));
                """, controller.url().replace("http", "ws") + "/ws", JSON.writeValueAsString(timing));
        assertThat(ok).isEqualTo(true);
    }

    @SuppressWarnings("unchecked")
    private List<String> states() {
        return (List<String>) browser.script("return window.test.states");
    }

    @SuppressWarnings("unchecked")
    private List<Long> delays() {
        return (List<Long>) browser.script("return window.test.delays");
    }
}
