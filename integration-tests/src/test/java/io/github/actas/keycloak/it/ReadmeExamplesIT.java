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
 * The README's "Use" section works as printed: its bash blocks run, in order, in one shell against the
 * real server's demo realm, and each output block shown after a command block must be exactly what
 * that command printed.
 */
class ReadmeExamplesIT extends KeycloakIT {

    private record Example(String script, String expectedOutput) {
    }

    @Test
    void useSectionExamplesPrintWhatTheReadmeShows() throws Exception {
        List<Example> examples = examples(Files.readString(Path.of(System.getProperty("actas.readme", "../README.md"))));
        assertThat(examples).hasSizeGreaterThanOrEqualTo(14);

        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        for (int i = 0; i < examples.size(); i++) {
            script.append("echo '@@example ").append(i).append("@@'\n").append(examples.get(i).script()).append('\n');
        }
        Path file = Files.createTempFile("readme-examples", ".sh");
        Files.writeString(file, script);

        ProcessBuilder builder = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
        builder.environment().put("KC", server.baseUrl());
        Process process = builder.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        // The README shows the demo's address; the test server listens elsewhere.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .replace(server.baseUrl(), "http://localhost:8080");
        assertThat(process.exitValue()).as(output).isZero();

        String[] parts = output.split("@@example \\d+@@\n", -1);
        assertThat(parts).hasSize(examples.size() + 1);
        for (int i = 0; i < examples.size(); i++) {
            Example example = examples.get(i);
            if (example.expectedOutput() != null) {
                assertThat(parts[i + 1].strip()).as("output of README example:\n" + example.script())
                        .isEqualTo(example.expectedOutput().strip());
            }
        }
    }

    /** bash blocks of the "## Use" section, each with the text/json block right after it, if any. */
    private static List<Example> examples(String readme) throws IOException {
        int start = readme.indexOf("\n## Use\n");
        int end = readme.indexOf("\n### Endpoints", start);
        assertThat(start).isPositive();
        List<String[]> blocks = new ArrayList<>(); // {language, body}
        String[] lines = readme.substring(start, end).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("```") && lines[i].length() > 3) {
                String language = lines[i].substring(3).strip();
                StringBuilder body = new StringBuilder();
                for (i++; !lines[i].startsWith("```"); i++) {
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
