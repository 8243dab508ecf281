package dev.homefleet.controller.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.homefleet.controller.daemon.Loopback;
import dev.homefleet.controller.state.Health;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard as the user gets it on the phone: the real controller ({@link DashboardFleet}: real node services
 * under the process manager, its store, its jobs, the API and the WebSocket) and real headless Chromium at an
 * iPhone's size, opened under a host name that the controller does not take for this machine, so the browser must
 * sign in as a phone on the tailnet must. A screenshot of each view goes to target/screenshots for the README.
 */
class DashboardEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(DashboardEndToEndTest.class);
    private static final Duration WAIT = Duration.ofSeconds(20);
    static final long FIRST_LOAD_LIMIT = 150 * 1024;

    @TempDir
    static Path dir;

    private static DashboardFleet fleet;
    private static Browser admin;

    @BeforeAll
    static void startFleet() throws Exception {
        fleet = new DashboardFleet(dir.resolve("fleet"));
        fleet.startServices();
        fleet.start();
        await().atMost(WAIT).until(() -> up("web") && up("api"));
    }

    @AfterAll
    static void stopAll() {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            fleet.close();
        }
    }

    private static boolean up(String service) {
        var daemon = fleet.daemon();
        var here = daemon == null ? null : daemon.state().machines().get("here");
        var status = here == null ? null : here.services().get(service);
        return status != null && status.health() == Health.UP;
    }

    /** The admin's phone, signed in once for the tests that act. */
    private static Browser admin() {
        if (admin == null) {
            admin = Browser.iphone(dir.resolve("admin"), false);
            signIn(admin, DashboardFleet.ADMIN);
        }
        return admin;
    }

    /** Opens the dashboard, is sent to the login page, signs in with {@code token} and waits until it is live. */
    private static void signIn(Browser browser, String token) {
        browser.open(fleet.remoteUrl() + "/");
        await().atMost(WAIT).until(() -> browser.driver.getCurrentUrl().contains("/login"));
        browser.byTestId("token").sendKeys(token);
        browser.click("login-submit");
        await().atMost(WAIT).until(() -> browser.driver.getCurrentUrl().equals(fleet.remoteUrl() + "/")
                && "live".equals(browser.attribute("conn", "data-state")));
    }

    private static void awaitLive(Browser browser) {
        await().atMost(WAIT).until(() -> "live".equals(browser.attribute("conn", "data-state")));
    }

    @Test
    void a_viewer_signs_in_from_another_address_sees_the_test_fleet_and_no_button_that_acts() throws Exception {
        try (Browser viewer = Browser.iphone(dir.resolve("viewer"), false)) {
            viewer.open(fleet.remoteUrl() + "/");
            await().atMost(WAIT).until(() -> viewer.driver.getCurrentUrl().startsWith(fleet.remoteUrl() + "/login"));
            viewer.screenshot("login");

            viewer.byTestId("token").sendKeys("not-a-token");
            viewer.click("login-submit");
            await().atMost(WAIT).until(() -> viewer.driver.getCurrentUrl().contains("error=invalid"));
            assertThat(viewer.attribute("login-error", "data-error")).isEqualTo("invalid");
            assertThat(viewer.text("login-error")).isEqualTo("That token was not accepted. Check it and try again.");

            viewer.byTestId("token").sendKeys(DashboardFleet.VIEWER);
            viewer.click("login-submit");
            await().atMost(WAIT).until(() -> viewer.driver.getCurrentUrl().equals(fleet.remoteUrl() + "/"));
            awaitLive(viewer);

            assertThat(viewer.text("role")).isEqualTo("viewer");
            await().atMost(WAIT).until(() -> "up".equals(viewer.attribute("machine-here", "data-health"))
                    && "down".equals(viewer.attribute("machine-away", "data-health")));
            assertThat(viewer.attribute("overall", "data-state")).isEqualTo("down");
            assertThat(viewer.text("incidents")).contains("away down");
            assertThat(viewer.text("machine-here")).contains("this machine, the controller", "CPU", "Memory");
            viewer.view("services");
            await().atMost(WAIT).until(() -> "up".equals(viewer.attribute("service-here-web", "data-health")));
            assertThat(viewer.text("service-here-web")).contains("port :" + fleet.webPort, "process", "Logs")
                    .doesNotContain("Restart");
            assertThat(viewer.text("service-here-web", "description"))
                    .isEqualTo("the <b>public</b> site & its <img src=x onerror=alert(1)> API");
            assertThat(viewer.script("return document.querySelectorAll('[data-testid^=restart-]').length"))
                    .isEqualTo(0L);
            viewer.view("jobs");
            assertThat(viewer.present("job-healer")).isTrue();
            assertThat(viewer.present("run-healer")).isFalse();

            measureFirstLoad(viewer);
        }
    }

    /**
     * What the page fetched, from the browser's own resource timing: the files (the page, styles, scripts, manifest,
     * icons) and, apart, the API's reads. Bodies as sent (encoded), whether or not the cache then had them.
     */
    @SuppressWarnings("unchecked")
    private static void measureFirstLoad(Browser browser) {
        List<Map<String, Object>> entries = (List<Map<String, Object>>) browser.script("""
                return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                  .map(e => ({name: e.name, body: e.encodedBodySize, transfer: e.transferSize}));""");
        long files = 0;
        long api = 0;
        for (Map<String, Object> e : entries) {
            long body = ((Number) e.get("body")).longValue();
            if (String.valueOf(e.get("name")).contains("/api/")) {
                api += body;
            } else {
                files += body;
            }
        }
        log.info("dashboard first load in Chromium: {} bytes of files, {} bytes of API reads ({} entries: {})", files,
                api, entries.size(), entries.stream().map(e -> e.get("name") + "=" + e.get("body")).toList());
        assertThat(files).as("the page's files").isPositive().isLessThan(FIRST_LOAD_LIMIT);
        assertThat(files + api).as("the page's files and its first reads").isLessThan(FIRST_LOAD_LIMIT);
    }

    @Test
    void a_killed_service_turns_red_without_a_reload_and_the_admin_restarts_it_from_the_page_back_to_green()
            throws Exception {
        Browser browser = admin();
        browser.open(fleet.remoteUrl() + "/#services");
        awaitLive(browser);
        await().atMost(WAIT).until(() -> "up".equals(browser.attribute("service-here-web", "data-health")));
        browser.script("window.notReloaded = true");
        long before = fleet.pid("web");

        ProcessHandle.of(before).orElseThrow().destroyForcibly();

        await().atMost(WAIT).until(() -> "down".equals(browser.attribute("service-here-web", "data-health")));
        assertThat(browser.text("service-here-web")).contains("down", "connection refused");
        assertThat(browser.text("incidents")).contains("here/web down");
        browser.screenshot("services");

        browser.click("restart-here-web");
        browser.driver.switchTo().alert().accept();

        await().atMost(WAIT).until(() -> "up".equals(browser.attribute("service-here-web", "data-health")));
        assertThat(browser.script("return window.notReloaded === true")).isEqualTo(true);
        assertThat(fleet.pid("web")).isPositive().isNotEqualTo(before);
        assertThat(Loopback.listening(fleet.webPort)).isTrue();
        await().atMost(WAIT).until(() -> !browser.text("incidents").contains("here/web"));
    }

    @Test
    void the_page_says_it_is_reconnecting_while_the_controller_restarts_then_is_live_again_without_a_reload()
            throws Exception {
        Browser browser = admin();
        browser.open(fleet.remoteUrl() + "/#events");
        awaitLive(browser);
        await().atMost(WAIT).until(() -> newestEvent(browser) > 0);
        long newest = newestEvent(browser);
        browser.script("window.notReloaded = true");

        fleet.stop();
        await().atMost(WAIT).until(() -> "reconnecting…".equals(browser.text("conn")));
        browser.screenshotScreen("reconnecting");
        fleet.start();

        // Backoff: at most 30 s between tries, then a new snapshot and the events missed meanwhile.
        await().atMost(Duration.ofSeconds(45)).until(() -> "live".equals(browser.attribute("conn", "data-state")));
        assertThat(browser.script("return window.notReloaded === true")).isEqualTo(true);
        assertThat(browser.driver.getCurrentUrl()).as("the session outlived the restart").doesNotContain("/login");
        await().atMost(WAIT).until(() -> (Long) browser.script("""
                return [...document.querySelectorAll('[data-testid=event][data-type="controller.started"]')]
                  .filter(e => +e.dataset.id > arguments[0]).length""", newest) > 0);
    }

    private static long newestEvent(Browser browser) {
        return (Long) browser.script("return Math.max(0, ...[...document.querySelectorAll('[data-testid=event]')]"
                + ".map(e => +e.dataset.id || 0))");
    }

    @Test
    void every_view_is_captured_at_an_iphones_size_in_light_and_dark() throws Exception {
        fleet.reportTakeover();
        fleet.checkIn("sync", "synced 3 repos");
        Browser browser = admin();
        browser.open(fleet.remoteUrl() + "/#overview");
        awaitLive(browser);
        await().atMost(WAIT).until(() -> Integer.parseInt(String.valueOf(browser.attribute("spark-here-cpu",
                "data-points"))) >= 2);
        browser.screenshot("overview");

        browser.view("ports");
        await().atMost(WAIT).until(() -> browser.present("range-e2e") && browser.present("port-" + fleet.webPort
                + "-here"));
        assertThat(browser.text("range-e2e")).contains("2 used", "8 free");
        browser.screenshot("ports");

        browser.view("failover");
        await().atMost(WAIT).until(() -> "active".equals(browser.attribute("failover-web", "data-state")));
        assertThat(browser.text("failover-web")).contains("here/web", "away/standby", "3 failed checks in a row");
        browser.screenshot("failover");

        browser.view("jobs");
        await().atMost(WAIT).until(() -> "up".equals(browser.attribute("checkin-sync", "data-state")));
        // The checks job fires every second: the page may show it running, or due by the time it draws it.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(browser.attribute("job-checks", "data-outcome")).isEqualTo("ok");
            assertThat(browser.text("job-checks")).contains("@every 1s").containsPattern("next (in \\d|due now)");
        });
        browser.screenshot("jobs");

        browser.view("events");
        await().atMost(WAIT).until(() -> browser.all("event").size() >= 3);
        browser.screenshot("events");

        browser.view("services");
        browser.click("logs-here-api");
        await().atMost(WAIT).until(() -> String.valueOf(browser.text("log-lines")).contains("GET / 200"));
        assertThat(browser.text("log-lines")).contains("api listening on " + fleet.apiPort);
        browser.screenshotScreen("log-tail");
        browser.click("log-close");

        try (Browser dark = Browser.iphone(dir.resolve("dark"), true)) {
            signIn(dark, DashboardFleet.ADMIN);
            assertThat(dark.script("return matchMedia('(prefers-color-scheme: dark)').matches")).isEqualTo(true);
            await().atMost(WAIT).until(() -> "up".equals(dark.attribute("machine-here", "data-health")));
            dark.screenshot("dark-overview");
            dark.view("services");
            dark.screenshot("dark-services");
        }
    }
}
