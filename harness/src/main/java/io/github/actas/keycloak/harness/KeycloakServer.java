package io.github.actas.keycloak.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The official Keycloak distribution (unpacked from Maven Central by the build, the provider jar in
 * {@code providers/}), run as a separate process in production mode: {@code kc.sh build}, then
 * {@code kc.sh start --optimized} on free ports. Callers talk to it only over HTTP.
 */
public final class KeycloakServer {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private final Path home;
    private final List<String> buildOptions;
    private final List<String> startOptions;
    private final int httpPort;
    private final int managementPort;
    private final Path log;
    private Process process;

    private KeycloakServer(Path home, List<String> buildOptions, List<String> startOptions) {
        this.home = home;
        this.buildOptions = List.copyOf(buildOptions);
        this.startOptions = List.copyOf(startOptions);
        this.httpPort = Ports.free();
        this.managementPort = Ports.free();
        this.log = home.resolve("keycloak-it.log");
    }

    /**
     * @param home         an unpacked distribution (its {@code bin/kc.sh} is used)
     * @param buildOptions build-time options for {@code kc.sh build} (database, cache, features, ...)
     * @param startOptions run-time options added to {@code kc.sh start --optimized}
     */
    public static KeycloakServer of(Path home, List<String> buildOptions, List<String> startOptions) {
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("not an unpacked Keycloak distribution: " + home);
        }
        return new KeycloakServer(home, buildOptions, startOptions);
    }

    /** Starts from nothing: a fresh log and database, the given realm files imported at start, built, running. */
    public KeycloakServer startFresh(Path realmFolder) {
        resetLog();
        deleteRecursively(home.resolve("data"));
        if (realmFolder != null) {
            importRealms(realmFolder);
        }
        build();
        start();
        return this;
    }

    /** CPU time the server's processes (kc.sh and its JVM) have used so far; zero if unknown. */
    public synchronized Duration cpuTime() {
        if (process == null) {
            return Duration.ZERO;
        }
        Duration total = process.info().totalCpuDuration().orElse(Duration.ZERO);
        for (ProcessHandle child : process.descendants().toList()) {
            total = total.plus(child.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return total;
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    /** The management interface (health, and {@code /metrics} when built with metrics). */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    public String adminUrl(String realm) {
        return baseUrl() + "/admin/realms/" + realm;
    }

    public Path logFile() {
        return log;
    }

    /**
     * Lines Keycloak logged at ERROR level (an uncaught error is what a client sees as a 500; a failed
     * background task is as bad), from line {@code from} of the log on.
     */
    public List<String> errorsSince(int from) {
        List<String> lines = logLines();
        return lines.subList(Math.min(from, lines.size()), lines.size()).stream()
                .filter(line -> line.contains(" ERROR [") || line.contains("Uncaught server error"))
                .toList();
    }

    /** The server's log from line {@code from} on. */
    public List<String> logSince(int from) {
        List<String> lines = logLines();
        return lines.subList(Math.min(from, lines.size()), lines.size());
    }

    public int logLineCount() {
        return logLines().size();
    }

    private void resetLog() {
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void importRealms(Path folder) {
        try {
            Path target = Files.createDirectories(home.resolve("data/import"));
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void build() {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "build"));
        command.addAll(buildOptions);
        try {
            Process build = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!build.waitFor(5, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException("kc.sh build failed, see " + log + "\n" + tail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the built server (again, after {@link #stop()}: the database is kept). */
    public synchronized void start() {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve("bin/kc.sh").toString(), "start", "--optimized",
                "--http-enabled=true", "--hostname-strict=false", "--import-realm",
                "--http-port=" + httpPort, "--http-management-port=" + managementPort));
        command.addAll(startOptions);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        try {
            process = builder.start();
            // A safety net: whatever a test forgets or a failed assertion skips, no server outlives the JVM
            // that started it (a leftover server would load the machine for every later test and benchmark).
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.descendants().forEach(ProcessHandle::destroyForcibly);
                started.destroyForcibly();
            }, "keycloak-server-reaper"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitReady();
    }

    /** Kills the server at once (SIGKILL), as a crash would: nothing gets to shut down. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        process = null;
    }

    /**
     * Copies a distribution (built or not) to another folder, without its data and log: a second node's
     * home. A built copy starts without another {@code kc.sh build}.
     */
    public static void copyDistribution(Path from, Path to) {
        deleteRecursively(to);
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path relative = from.relativize(source);
                if (relative.startsWith("data") || relative.toString().equals("keycloak-it.log")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops gracefully (SIGTERM), forcibly after a minute. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        process = null;
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ", see " + log + "\n" + tail());
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        throw new IllegalStateException("Keycloak not ready after " + READY_TIMEOUT + ", see " + log + "\n" + tail());
    }

    /** The last lines of the server log, for failure messages. */
    public String tail() {
        List<String> lines = logLines();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private List<String> logLines() {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
