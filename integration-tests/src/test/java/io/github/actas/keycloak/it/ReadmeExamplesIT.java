package io.github.actas.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The documentation's examples work as printed: the bash blocks of the README's "A short tour" and of
 * docs/usage.md run, in order, each document in one shell of its own, against the real server's demo
 * realm, and each output block shown after a command block must be exactly what that command printed.
 * Each document sets up its own variables; only {@code KC}, the server's base URL, comes from outside.
 */
class ReadmeExamplesIT extends KeycloakIT {

    private record Example(String script, String expectedOutput) {
    }

    private static Path readme() {
        return Path.of(System.getProperty("actas.readme", "../README.md"));
    }

    private static Path docs() {
        return readme().resolveSibling("docs");
    }

    @Test
    void theReadmeTourPrintsWhatItShows() throws Exception {
        String readme = Files.readString(readme());
        int start = readme.indexOf("\n## A short tour\n");
        assertThat(start).as("README section '## A short tour'").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        List<Example> examples = examples(readme.substring(start, end < 0 ? readme.length() : end));
        assertThat(examples).hasSizeGreaterThanOrEqualTo(4);
        runAndCompare("README.md, A short tour", examples);
    }

    @Test
    void theUsageGuidePrintsWhatItShows() throws Exception {
        List<Example> examples = examples(Files.readString(docs().resolve("usage.md")));
        assertThat(examples).hasSizeGreaterThanOrEqualTo(14);
        runAndCompare("docs/usage.md", examples);
    }

    /** Runs the examples in one shell and compares each output block with what its command printed. */
    private static void runAndCompare(String document, List<Example> examples) throws Exception {
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        for (int i = 0; i < examples.size(); i++) {
            script.append("echo '@@example ").append(i).append("@@'\n").append(examples.get(i).script()).append('\n');
        }
        Path file = Files.createTempFile("doc-examples", ".sh");
        Files.writeString(file, script);

        ProcessBuilder builder = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
        builder.environment().put("KC", server.baseUrl());
        Process process = builder.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as(document + " finished in time").isTrue();
        // The documents show the demo's address; the test server listens elsewhere.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replace(server.baseUrl(), "http://localhost:8080");
        assertThat(process.exitValue()).as(document + ":\n" + output).isZero();

        String[] parts = output.split("@@example \\d+@@\n", -1);
        assertThat(parts).as(document + ":\n" + output).hasSize(examples.size() + 1);
        for (int i = 0; i < examples.size(); i++) {
            Example example = examples.get(i);
            if (example.expectedOutput() != null) {
                assertThat(parts[i + 1].strip()).as("output of an example in " + document + ":\n" + example.script())
                        .isEqualTo(example.expectedOutput().strip());
            }
        }
    }

    /** The bash blocks of {@code text}, each with the non-bash block right after it (its output), if any. */
    private static List<Example> examples(String text) throws IOException {
        List<String[]> blocks = new ArrayList<>(); // {language, body}
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("```") && lines[i].length() > 3) {
                String language = lines[i].substring(3).strip();
                StringBuilder body = new StringBuilder();
                for (i++; i < lines.length && !lines[i].startsWith("```"); i++) {
                    body.append(lines[i]).append('\n');
                }
                blocks.add(new String[] {language, body.toString()});
            }
        }
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            if (blocks.get(i)[0].equals("bash")) {
                boolean hasOutput = i + 1 < blocks.size() && !blocks.get(i + 1)[0].equals("bash");
                examples.add(new Example(blocks.get(i)[1], hasOutput ? blocks.get(i + 1)[1] : null));
            }
        }
        return examples;
    }
}
