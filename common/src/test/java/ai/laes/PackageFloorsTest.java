package ai.laes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The house's floors, read from the sources of common: a package (with its subpackages) may use its own classes and
 * those of lower floors, never those of its own floor or above. So the two recurrent layers (lmn, lstm) do not know each
 * other, and what both run on (recurrent) sits below them. Every reference to {@code ai.laes.*} outside comments and
 * string literals counts (imports, static imports, qualified names).
 */
class PackageFloorsTest {
    /** Floor of each top-level package under ai.laes, lowest first; jobs (the other module) is the top floor. */
    static final Map<String, Integer> FLOORS = Map.ofEntries(
            Map.entry("numerics", 0), Map.entry("spark", 0),
            Map.entry("io", 1), Map.entry("recurrent", 1),
            Map.entry("data", 2), Map.entry("laes", 2), Map.entry("readout", 2), Map.entry("lmn", 2), Map.entry("lstm", 2),
            Map.entry("train", 3),
            Map.entry("report", 4), Map.entry("ml", 4),
            Map.entry("jobs", 5));

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+ai\\.laes\\.(\\w+)[\\w.]*;", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bai\\.laes\\.(\\w+)\\b");
    /** Block and line comments, and string and char literals, removed before references are looked for. */
    private static final Pattern NOT_CODE = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'", Pattern.DOTALL);

    @Test
    void noPackageUsesItsOwnFloorOrAHigherOne() {
        List<String> wrong = new ArrayList<>();
        for (Path file : javaFiles()) {
            String code = NOT_CODE.matcher(read(file)).replaceAll(" ");
            Matcher p = PACKAGE.matcher(code);
            assertTrue(p.find(), file + ": no package ai.laes.* declaration");
            String own = p.group(1);
            Integer floor = FLOORS.get(own);
            if (floor == null) {
                wrong.add(file + ": package ai.laes." + own + " has no floor in PackageFloorsTest.FLOORS");
                continue;
            }
            TreeSet<String> used = new TreeSet<>();
            for (Matcher r = REFERENCE.matcher(code); r.find(); ) {
                used.add(r.group(1));
            }
            for (String other : used) {
                Integer otherFloor = FLOORS.get(other);
                if (!other.equals(own) && (otherFloor == null || otherFloor >= floor)) {
                    wrong.add(SOURCES.relativize(file) + " (ai.laes." + own + ", floor " + floor + ") uses ai.laes."
                            + other + " (floor " + otherFloor + ")");
                }
            }
        }
        assertEquals(List.of(), wrong, "references against the floors");
    }

    @Test
    void theRecurrentLayersDoNotKnowEachOther() {
        for (Path file : javaFiles()) {
            String code = NOT_CODE.matcher(read(file)).replaceAll(" ");
            if (code.contains("package ai.laes.lmn")) {
                assertFalse(code.contains("ai.laes.lstm"), file + " uses ai.laes.lstm");
            }
            if (code.contains("package ai.laes.lstm")) {
                assertFalse(code.contains("ai.laes.lmn"), file + " uses ai.laes.lmn");
            }
        }
    }

    @Test
    void commentsAndStringsAreNotReferences() {
        String code = "package ai.laes.lmn;\n/** {@link ai.laes.lstm.LstmLayer} */ // ai.laes.train\n"
                + "class A { String s = \"ai.laes.report \\\" x\"; char c = '\"'; ai.laes.io.InputException e; }";
        String left = NOT_CODE.matcher(code).replaceAll(" ");
        TreeSet<String> used = new TreeSet<>();
        for (Matcher r = REFERENCE.matcher(left); r.find(); ) {
            used.add(r.group(1));
        }
        assertEquals(new TreeSet<>(List.of("io", "lmn")), used);
    }

    private static List<Path> javaFiles() {
        assertTrue(Files.isDirectory(SOURCES), SOURCES.toAbsolutePath() + " (run from the common module)");
        try (Stream<Path> files = Files.walk(SOURCES)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
            assertTrue(all.size() > 50, "found only " + all.size() + " sources under " + SOURCES);
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
