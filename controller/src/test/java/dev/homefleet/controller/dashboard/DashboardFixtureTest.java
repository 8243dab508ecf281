package dev.homefleet.controller.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardFixtureTest {
    @TempDir
    Path dir;

    private FixtureController controller;
    private Browser browser;

    @BeforeEach
    void setUp() throws Exception {
        controller = new FixtureController(0);
    }

    @AfterEach
    void tearDown() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            controller.close();
        }
    }

    @Test
    void dev_screenshots() {
        browser = Browser.iphone(dir, false);
        browser.open(controller.url() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> "live".equals(browser.attribute("conn", "data-state")));
        assertThat(browser.attribute("overall", "data-state")).isEqualTo("down");
        for (String view : new String[] {"overview", "services", "ports", "failover", "jobs", "events"}) {
            browser.view(view);
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            browser.screenshot("dev-" + view);
        }
    }
}
