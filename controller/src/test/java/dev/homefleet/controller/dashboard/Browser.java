package dev.homefleet.controller.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by its chromedriver, as an iPhone (390 x 844, touch, iOS Safari's user agent):
 * the browser the dashboard is written for. Selenium is given both paths, so Selenium Manager never looks for (or
 * downloads) a driver. Each browser has a fresh profile under the test's directory; {@link #close} quits it and
 * checks that no process of it is left.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final int WIDTH = 390;
    static final int HEIGHT = 844;
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    /**
     * A host name this browser resolves to 127.0.0.1 and nothing else: a page opened under it sends {@code Host:
     * homefleet.test:PORT}, which the controller does not take for this machine, as a phone's would not be.
     */
    static final String NAME = "homefleet.test";
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    /** Selenium looks for a DevTools binding of this Chromium's version, which is not needed here, and says so. */
    private static final java.util.logging.Logger QUIET_CDP = quiet("org.openqa.selenium.devtools");

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private Browser(ChromeDriver driver, ChromeDriverService service, Path profile) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
    }

    /** An iPhone-sized browser with a fresh profile in {@code dir}; {@code dark} makes the system prefer dark. */
    static Browser iphone(Path dir, boolean dark) {
        Path profile;
        Path log;
        try {
            profile = Files.createDirectories(dir.resolve("chromium-profile-" + System.nanoTime()));
            log = dir.resolve("chromedriver.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(log.toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--disable-default-apps", "--disable-extensions", "--disable-crash-reporter", "--disable-breakpad",
                "--no-default-browser-check", "--password-store=basic", "--use-mock-keychain",
                "--host-resolver-rules=MAP " + NAME + " 127.0.0.1",
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,MediaRouter,OptimizationHints",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + WIDTH + "," + HEIGHT);
        options.setExperimentalOption("mobileEmulation", Map.of(
                "deviceMetrics", Map.of("width", WIDTH, "height", HEIGHT, "pixelRatio", 2.0, "touch", true),
                "userAgent", IPHONE));
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        Browser browser = new Browser(driver, service, profile);
        if (dark) {
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        }
        return browser;
    }

    void open(String url) {
        driver.get(url);
    }

    /** The element with {@code data-testid=id}, waiting up to 10 s for it. */
    WebElement byTestId(String id) {
        return await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(NoSuchElementException.class)
                .until(() -> driver.findElement(testId(id)), e -> e != null);
    }

    static By testId(String id) {
        return By.cssSelector("[data-testid=\"" + id + "\"]");
    }

    List<WebElement> all(String id) {
        return driver.findElements(testId(id));
    }

    boolean present(String id) {
        return !driver.findElements(testId(id)).isEmpty();
    }

    /** An attribute of an element that the page may redraw at any moment; null when it is not there. */
    String attribute(String id, String name) {
        for (int i = 0; i < 5; i++) {
            try {
                List<WebElement> found = all(id);
                return found.isEmpty() ? null : found.get(0).getAttribute(name);
            } catch (StaleElementReferenceException e) {
                // redrawn between the find and the read: read the new one
            }
        }
        return null;
    }

    /**
     * The text of an element the page may redraw at any moment; null when it is not there. More than one id names an
     * element inside another ({@code text("service-x", "description")}), found in one step so that a redraw between
     * finding the card and finding its part cannot leave a stale reference.
     */
    String text(String id, String... inside) {
        StringBuilder css = new StringBuilder("[data-testid=\"" + id + "\"]");
        for (String part : inside) {
            css.append(" [data-testid=\"").append(part).append("\"]");
        }
        By by = By.cssSelector(css.toString());
        for (int i = 0; i < 5; i++) {
            try {
                List<WebElement> found = driver.findElements(by);
                return found.isEmpty() ? null : found.get(0).getText();
            } catch (StaleElementReferenceException e) {
                // redrawn: read the new one
            }
        }
        return null;
    }

    /**
     * Taps an element the page may be redrawing (a fresh find each try), scrolled to the middle of the screen first
     * as a thumb would: at the bottom edge the fixed tab bar covers it.
     */
    void click(String id) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
                .ignoreExceptionsInstanceOf(NoSuchElementException.class)
                .until(() -> {
                    WebElement element = driver.findElement(testId(id));
                    script("arguments[0].scrollIntoView({block: 'center'})", element);
                    element.click();
                    return true;
                });
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Goes to a view by its tab, as a thumb would. */
    void view(String name) {
        click("nav-" + name);
        await().atMost(Duration.ofSeconds(5)).until(() -> "false".equals(String.valueOf(
                script("return document.getElementById(arguments[0]).hidden", name))));
    }

    /**
     * Saves the whole page to target/screenshots/NAME.png (the README links these): the viewport is stretched to the
     * page's height for the shot, so the sticky header stays on top and the tab bar at the bottom, then put back.
     */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            long height = Math.max(HEIGHT, ((Number) script("return Math.ceil(Math.max("
                    + "document.documentElement.scrollHeight, document.body.scrollHeight))")).longValue());
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH, "height", height,
                    "deviceScaleFactor", 2, "mobile", true));
            Map<String, Object> shot;
            try {
                shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
            } finally {
                driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", WIDTH, "height",
                        HEIGHT, "deviceScaleFactor", 2, "mobile", true));
            }
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Saves what the screen shows now (a sheet over the page, say) to target/screenshots/NAME.png. */
    Path screenshotScreen(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This browser's chromedriver (a child of this JVM listening on its service's port) and its descendants. */
    private List<ProcessHandle> driverTree() {
        String port = "--port=" + service.getUrl().getPort();
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle.current().children().filter(p -> p.info().commandLine()
                .map(c -> c.contains("chromedriver") && c.contains(port)).orElse(false)).forEach(driver -> {
                    tree.add(driver);
                    driver.descendants().forEach(tree::add);
                });
        return tree;
    }

    /** Of {@code known}, those still running, and whatever else carries this profile's path. */
    private List<ProcessHandle> processes(List<ProcessHandle> known) {
        List<ProcessHandle> found = new ArrayList<>(known);
        try {
            Process pgrep = new ProcessBuilder("pgrep", "-f", profile.toAbsolutePath().toString())
                    .redirectErrorStream(true).start();
            String out = new String(pgrep.getInputStream().readAllBytes());
            pgrep.waitFor(5, TimeUnit.SECONDS);
            out.lines().map(String::strip).filter(l -> l.matches("\\d+")).map(Long::parseLong)
                    .filter(pid -> pid != pgrep.pid())
                    .flatMap(pid -> ProcessHandle.of(pid).stream())
                    .filter(p -> found.stream().noneMatch(f -> f.pid() == p.pid()))
                    .forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return found.stream().filter(Browser::running).toList();
    }

    /** Alive and not a zombie waiting for its parent to read its exit. */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    /** Quits the browser and its driver; fails (after killing them) if any of their processes outlives that. */
    @Override
    public void close() {
        List<ProcessHandle> started = driverTree();
        try {
            driver.quit();
        } finally {
            service.close();
            try {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                        .until(() -> processes(started).isEmpty());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                List<ProcessHandle> left = processes(started);
                List<String> described = left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                        .toList();
                left.forEach(ProcessHandle::destroyForcibly);
                assertThat(described).as("chromium or chromedriver processes left after quit").isEmpty();
            }
        }
    }
}
