package ai.laes.jobs;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Opens a report page in Debian's headless Chromium, as a reader's browser would, and reports what the browser saw.
 * A copy of the page gets, first in its head, a {@code <base>} pointing at the page's directory (so the copy loads
 * the original's images) and a script that records every uncaught error, every resource that failed to load
 * (error events, captured) and every {@code console.error} call from then on; after the load event the script
 * writes, into the DOM, the natural width of each image, the verdict block's figures, and the errors. Chromium's
 * {@code --dump-dom} prints that DOM once the page has loaded. (This Chromium writes no console messages to its
 * log, so they are caught in the page.)
 */
final class HeadlessChromium {
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync");
    private static final long TIMEOUT_SECONDS = 120;
    private static final String RESULT_ID = "browser-check";
    private static final String PROBE = "<script>\n"
            + "window.__errors = [];\n"
            + "window.addEventListener('error', function (e) { window.__errors.push(e.message ? 'uncaught: ' + e.message\n"
            + "    : 'failed to load: ' + (e.target && (e.target.src || e.target.href))); }, true);\n"
            + "window.addEventListener('unhandledrejection', function (e) { window.__errors.push('unhandled rejection: ' + e.reason); });\n"
            + "var consoleError = console.error;\n"
            + "console.error = function () { window.__errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));\n"
            + "    consoleError.apply(console, arguments); };\n"
            + "window.addEventListener('load', function () {\n"
            + "  var all = function (q) { return Array.prototype.slice.call(document.querySelectorAll(q)); };\n"
            + "  var out = document.createElement('pre');\n"
            + "  out.id = '" + RESULT_ID + "';\n"
            + "  out.textContent = JSON.stringify({\n"
            + "    images: all('img').map(function (i) { return {src: i.getAttribute('src'), width: i.naturalWidth}; }),\n"
            + "    verdicts: !!document.getElementById('verdicts'),\n"
            + "    verdictRows: all('#verdicts tr[data-claim]').length,\n"
            + "    figures: all('#verdicts span.figure').map(function (s) { return {value: s.getAttribute('data-value'), text: s.textContent}; }),\n"
            + "    errors: window.__errors});\n"
            + "  document.body.appendChild(out);\n"
            + "});\n"
            + "</script>\n";

    /** What the browser saw: each image's source and natural width, the verdict block, its figures, the errors. */
    record Seen(List<Image> images, boolean verdicts, int verdictRows, List<Figure> figures, List<String> errors) {
    }

    record Image(String src, int width) {
    }

    /** A figure of the verdict block: its {@code data-value} and its text. */
    record Figure(String value, String text) {
    }

    private HeadlessChromium() {
    }

    /** Debian's {@code chromium} on the PATH, if there is one. */
    static Optional<Path> find() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Opens {@code page} in {@code chromium}, with a fresh profile and the page's copy under {@code work}. */
    @SuppressWarnings("unchecked")
    static Seen open(Path chromium, Path page, Path work) throws IOException, InterruptedException {
        String html = Files.readString(page);
        int head = html.indexOf("<head>");
        if (head < 0) {
            throw new IllegalArgumentException(page + ": no <head>");
        }
        head += "<head>".length();
        Files.createDirectories(work);
        Path copy = work.resolve("page.html");
        Files.writeString(copy, html.substring(0, head) + "<base href=\"" + page.getParent().toUri() + "\">\n" + PROBE
                + html.substring(head));
        List<String> command = new ArrayList<>();
        command.add(chromium.toString());
        command.addAll(FLAGS);
        command.add("--user-data-dir=" + work.resolve("profile"));
        command.add("--dump-dom");
        command.add(copy.toUri().toString());
        Path dom = work.resolve("dom.html");
        Path log = work.resolve("chromium.log");
        Process process = new ProcessBuilder(command).redirectOutput(dom.toFile()).redirectError(log.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within " + TIMEOUT_SECONDS + " s; its log: " + log);
        }
        Matcher m = Pattern.compile("<pre id=\"" + RESULT_ID + "\">(.*?)</pre>", Pattern.DOTALL)
                .matcher(Files.readString(dom, StandardCharsets.UTF_8));
        if (process.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("chromium exited with " + process.exitValue() + " and no page result; its log:\n"
                    + Files.readString(log));
        }
        String json = m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        Map<String, Object> r = new ObjectMapper().readValue(json, Map.class);
        List<Image> images = ((List<Map<String, Object>>) r.get("images")).stream()
                .map(i -> new Image((String) i.get("src"), ((Number) i.get("width")).intValue())).toList();
        List<Figure> figures = ((List<Map<String, Object>>) r.get("figures")).stream()
                .map(f -> new Figure((String) f.get("value"), (String) f.get("text"))).toList();
        return new Seen(images, (Boolean) r.get("verdicts"), ((Number) r.get("verdictRows")).intValue(), figures,
                (List<String>) r.get("errors"));
    }
}
