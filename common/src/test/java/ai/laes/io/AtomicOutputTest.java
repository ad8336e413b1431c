package ai.laes.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputTest {
    private final Configuration conf = new Configuration();
    @TempDir
    Path tmp;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void commitRenamesIntoPlaceWithSuccessMarker() throws IOException {
        String out = tmp.resolve("out").toString();
        try (AtomicOutput o = AtomicOutput.begin(out, false, conf)) {
            RunInfo.writeJson(o.file("a.json"), conf, List.of(1, 2));
            assertFalse(Files.exists(tmp.resolve("out")), "nothing visible before the commit");
            o.commit();
        }
        assertEquals(List.of("out"), listing());
        assertTrue(Files.exists(tmp.resolve("out/_SUCCESS")));
        assertTrue(Files.exists(tmp.resolve("out/a.json")));
    }

    @Test
    void failureLeavesNothingBehind() throws IOException {
        String out = tmp.resolve("out").toString();
        assertThrows(IllegalStateException.class, () -> {
            try (AtomicOutput o = AtomicOutput.begin(out, false, conf)) {
                RunInfo.writeJson(o.file("half.json"), conf, List.of(1));
                throw new IllegalStateException("boom");
            }
        });
        assertEquals(List.of(), listing());
    }

    @Test
    void existingOutputIsRefusedUnlessOverwrite() throws IOException {
        Path existing = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(existing.resolve("old.txt"), "old");
        InputException e = assertThrows(InputException.class,
                () -> AtomicOutput.begin(existing.toString(), false, conf));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertTrue(e.getMessage().startsWith(existing.toString()), e.getMessage());
        assertEquals(List.of("out"), listing());
        try (AtomicOutput o = AtomicOutput.begin(existing.toString(), true, conf)) {
            RunInfo.writeJson(o.file("new.json"), conf, List.of(3));
            o.commit();
        }
        assertFalse(Files.exists(existing.resolve("old.txt")));
        assertTrue(Files.exists(existing.resolve("new.json")));
        assertEquals(List.of("out"), listing());
    }

    @Test
    void anOutputUnderAFileCannotBeCreated() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        InputException e = assertThrows(InputException.class,
                () -> AtomicOutput.begin(file.resolve("out").toString(), false, conf));
        assertTrue(e.getMessage().startsWith(file.resolve("out").toString()), e.getMessage());
    }
}
