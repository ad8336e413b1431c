package ai.laes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The repository's Markdown (README.md and docs/**.md) as a user's clone sees it: every relative link
 * ({@code [text](path)}, {@code [text](path#anchor)}, images, reference definitions {@code [id]: path}) names a file or
 * folder the repository has, and no page sends the reader to {@code ../shared}, a folder beside the author's checkout
 * that a clone does not have. Web and mail links and pure {@code #anchor} links are not checked; nor are links inside
 * code (fenced blocks and backtick spans), which are examples, not links.
 */
class DocumentationLinksTest {
    /** The repository's root: the parent of the module the tests run in. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern INLINE = Pattern.compile("!?\\[(?:[^\\]\\\\]|\\\\.)*]\\(\\s*(<[^>]*>|[^)\\s]+)[^)]*\\)");
    private static final Pattern DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+]:\\s*(<[^>]*>|\\S+)", Pattern.MULTILINE);
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})[^\\n]*\\n.*?^ {0,3}\\1[`~]*[ \\t]*$",
            Pattern.MULTILINE | Pattern.DOTALL);
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?!`).*?(?<!`)\\1(?!`)", Pattern.DOTALL);
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern SHARED = Pattern.compile("\\.\\./shared\\b");
    /**
     * The files git keeps or would keep (tracked, or new and not ignored), relative to the root; empty without git.
     * A link to an ignored file (data/, target/) works on the author's machine only.
     */
    private static final Set<String> KNOWN = gitFiles();

    @Test
    void relativeLinksNameFilesOfTheRepository() {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            for (String target : links(read(page))) {
                if (!resolves(page, target)) {
                    broken.add(ROOT.relativize(page) + ": " + target);
                }
            }
        }
        assertEquals(List.of(), broken, "relative links to files the repository does not have");
    }

    @Test
    void noPageMentionsTheSharedFolder() {
        assertEquals(List.of(), mentionsOfShared(pages()));
    }

    @Test
    void linksAreFoundAsAReaderSeesThem() {
        String page = "See [a](a.md), [b](<b c.md> \"title\"), ![img](pics/x.png#y), [web](https://x.org/y), "
                + "[mail](mailto:a@b), [here](#top), `[code](no.md)`.\n[ref]: ref.md\n```\n[fenced](no.md)\n```\n";
        assertEquals(List.of("a.md", "b c.md", "pics/x.png#y", "https://x.org/y", "mailto:a@b", "#top", "ref.md"),
                links(page));
    }

    /** The targets of the page's links and reference definitions, outside code, in the order they appear. */
    static List<String> links(String markdown) {
        String text = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
        List<String> out = new ArrayList<>();
        for (Pattern p : List.of(INLINE, DEFINITION)) {
            for (Matcher m = p.matcher(text); m.find(); ) {
                String target = m.group(1);
                out.add(target.startsWith("<") ? target.substring(1, target.length() - 1) : target);
            }
        }
        return out;
    }

    /** Whether {@code target}, linked from {@code page}, is a web or anchor link or names a file or folder of the repository. */
    private static boolean resolves(Path page, String target) {
        if (target.startsWith("#") || SCHEME.matcher(target).find()) {
            return true;
        }
        String path = URLDecoder.decode(target.replaceFirst("[#?].*$", "").replace("+", "%2B"), StandardCharsets.UTF_8);
        Path file = (path.startsWith("/") ? ROOT.resolve(path.substring(1)) : page.getParent().resolve(path)).normalize();
        return file.startsWith(ROOT) && Files.exists(file) && (KNOWN.isEmpty() || known(ROOT.relativize(file).toString()));
    }

    private static boolean known(String relative) {
        String folder = relative.isEmpty() ? "" : relative + "/";
        return KNOWN.contains(relative) || KNOWN.stream().anyMatch(f -> f.startsWith(folder));
    }

    private static Set<String> gitFiles() {
        try {
            Process git = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                    .directory(ROOT.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return git.waitFor() == 0 ? Set.of(out.split("\0")) : Set.of();
        } catch (IOException e) {
            return Set.of(); // no git: the files on disk count
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }

    private static List<String> mentionsOfShared(List<Path> pages) {
        List<String> found = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = read(page).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                if (SHARED.matcher(lines.get(i)).find()) {
                    found.add(ROOT.relativize(page) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        return found;
    }

    private static Path readme() {
        return ROOT.resolve("README.md");
    }

    /** README.md and every Markdown file under docs/. */
    private static List<Path> pages() {
        assertTrue(Files.isRegularFile(readme()) && Files.isRegularFile(ROOT.resolve("pom.xml")),
                ROOT + " is not the repository's root (run the tests from a module)");
        List<Path> pages = new ArrayList<>(List.of(readme()));
        Path docs = ROOT.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> all = Files.walk(docs)) {
                all.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pages;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
