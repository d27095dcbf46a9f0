package io.github.actas.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromedriver} packages; nothing is
 * downloaded). One instance is one browser profile: its own cookies, so its own Keycloak sessions.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("actas.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("actas.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final WebDriverWait wait;

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    Browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,860", "--lang=en-US", "--no-first-run", "--disable-extensions");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        // While a form post navigates, Chromium may answer for a node of the page being left
        // ("Node with given id does not belong to the document"): such answers mean "not yet".
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        this.wait.ignoring(WebDriverException.class);
    }

    void open(String url) {
        driver.get(url);
    }

    String url() {
        return driver.getCurrentUrl();
    }

    /** What the page logged to the browser console (errors of scripts and modules included). */
    String console() {
        StringBuilder out = new StringBuilder();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            out.append(entry.getLevel()).append(' ').append(entry.getMessage()).append('\n');
        }
        return out.toString();
    }

    String pageText() {
        return driver.findElement(By.tagName("body")).getText();
    }

    WebElement waitFor(String css) {
        try {
            return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
        } catch (TimeoutException e) {
            throw new AssertionError("no visible " + css + " on " + url() + ":\n" + pageText() + "\nconsole:\n" + console(), e);
        }
    }

    /** The text of the first visible element matching {@code css}, read once the page holds still. */
    String textOf(String css) {
        waitFor(css);
        return wait.until(d -> {
            WebElement element = d.findElement(By.cssSelector(css));
            return element.isDisplayed() ? element.getText() : null;
        });
    }

    void waitForText(String css, String text) {
        try {
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
        } catch (TimeoutException e) {
            throw new AssertionError("no \"" + text + "\" in " + css + " on " + url() + ":\n" + pageText(), e);
        }
    }

    void waitForUrl(String fragment) {
        try {
            wait.until(ExpectedConditions.urlContains(fragment));
        } catch (TimeoutException e) {
            throw new AssertionError("not at " + fragment + " but " + url() + ":\n" + pageText(), e);
        }
    }

    /** Waits until the browser is at a URL starting with {@code prefix}. */
    void waitForUrlStart(String prefix) {
        try {
            wait.until(ExpectedConditions.urlMatches("^" + Pattern.quote(prefix)));
        } catch (TimeoutException e) {
            throw new AssertionError("not at " + prefix + " but " + url() + ":\n" + pageText(), e);
        }
    }

    /** Waits until nothing matches {@code css}: a list reloads after the message that announces its change. */
    void waitForGone(String css) {
        try {
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(css), 0));
        } catch (TimeoutException e) {
            throw new AssertionError("still " + css + " on " + url() + ":\n" + pageText(), e);
        }
    }

    boolean present(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    void type(String css, String text) {
        waitFor(css);
        wait.until(d -> {
            WebElement field = d.findElement(By.cssSelector(css));
            // Emptied through the element's own value setter and an input event, so React's pages see it too
            // (WebElement.clear() changes the value behind React's back).
            ((JavascriptExecutor) d).executeScript("const e = arguments[0];"
                    + "Object.getOwnPropertyDescriptor(Object.getPrototypeOf(e), 'value').set.call(e, '');"
                    + "e.dispatchEvent(new Event('input', { bubbles: true }));", field);
            field.sendKeys(text);
            return true;
        });
    }

    /** Clicks once the element is clickable; an element replaced by a re-render is looked up again. */
    void click(String css) {
        try {
            wait.until(d -> {
                WebElement element = d.findElement(By.cssSelector(css));
                if (!element.isDisplayed() || !element.isEnabled()) {
                    return false;
                }
                element.click();
                return true;
            });
        } catch (TimeoutException e) {
            throw new AssertionError("could not click " + css + " on " + url() + ":\n" + pageText(), e);
        }
    }

    /** Keycloak's username and password form. */
    void signIn(String username, String password) {
        type("#username", username);
        type("#password", password);
        click("#kc-login");
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** The browser's cookies for the current site, as a Cookie request header. */
    String cookieHeader() {
        StringBuilder out = new StringBuilder();
        for (Cookie cookie : driver.manage().getCookies()) {
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(cookie.getName()).append('=').append(cookie.getValue());
        }
        return out.toString();
    }

    /** The page's HTML as the server sent it and scripts left it. */
    String pageSource() {
        return driver.getPageSource();
    }

    Object script(String javascript) {
        return driver.executeScript(javascript);
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
