package ai.laes.train.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import ai.laes.io.InputException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridSpecTest {
    @TempDir
    Path tmp;

    @Test
    void referenceGridIsFortyDistinctConfigurationsLastKeyFastest() {
        List<GridSpec.Point> points = GridSpec.reference().points();
        assertEquals(40, points.size());
        assertEquals(40, new HashSet<>(points.stream().map(GridSpec.Point::id).toList()).size(), "ids are unique");
        assertEquals("lr0.0001-op0.0001-dp0", points.get(0).id());
        assertEquals("lr0.0001-op0.0001-dp0.1", points.get(1).id());
        assertEquals("lr0.001-op0.1-dp1", points.get(39).id());
        assertEquals(List.of("--learning-rate", "0.001", "--orthogonality-penalty", "0.1", "--detach-probability", "1"),
                points.get(39).args());
        for (int i = 0; i < points.size(); i++) {
            assertEquals(i, points.get(i).index());
        }
        assertEquals(Map.of("learning-rate", List.of("0.0001", "0.001"), "orthogonality-penalty",
                List.of("0.0001", "0.001", "0.01", "0.1"), "detach-probability", List.of("0", "0.1", "0.25", "0.5", "1")),
                GridSpec.reference().lists());
    }

    @Test
    void idsDependOnValuesNotOnTheFileLayout() {
        GridSpec a = GridSpec.parse("a", "batch-size = [32, 64]\nlearning-rate = [1e-3, 0.01]\ninit-scheme = [LAES, random]");
        GridSpec b = GridSpec.parse("b", "init-scheme: [\"laes\", \"random\"], learning-rate: [0.0010, 1e-2], batch-size: [32.0, 64]");
        assertEquals(a.points(), b.points());
        assertEquals(8, a.points().size());
        assertEquals("initlaes-lr0.001-bs32", a.points().get(0).id());
        assertEquals("initrandom-lr0.01-bs64", a.points().get(7).id());
    }

    @Test
    void aScalarIsAListOfOne() {
        List<GridSpec.Point> points = GridSpec.parse("g", "learning-rate = 0.001\ndetach-probability = [0, 1]").points();
        assertEquals(List.of("lr0.001-dp0", "lr0.001-dp1"), points.stream().map(GridSpec.Point::id).toList());
    }

    @Test
    void readsAFileAndNamesItInErrors() throws Exception {
        Path file = tmp.resolve("grid.conf");
        Files.writeString(file, "learning-rate = [1e-3]\n");
        assertEquals(1, GridSpec.read(file.toString(), new Configuration()).points().size());
        Files.writeString(file, "learning-rate = [1e-3]\nmomentum = [0.9]\n");
        assertError("--grid " + file + ": momentum: unknown option", () -> GridSpec.read(file.toString(), new Configuration()));
        assertError("--grid " + tmp.resolve("none.conf") + ": file not found",
                () -> GridSpec.read(tmp.resolve("none.conf").toString(), new Configuration()));
    }

    @Test
    void refusesBadGrids() {
        assertError("g: learning-rate: empty list", () -> GridSpec.parse("g", "learning-rate = []"));
        assertError("g: learning-rate: -0.1 must be positive", () -> GridSpec.parse("g", "learning-rate = [-0.1]"));
        assertError("g: learning-rate: 'fast' is not a number", () -> GridSpec.parse("g", "learning-rate = [fast]"));
        assertError("g: detach-probability: 1.5 must be in [0, 1]", () -> GridSpec.parse("g", "detach-probability = [0, 1.5]"));
        assertError("g: orthogonality-penalty: -1 must be 0 or positive", () -> GridSpec.parse("g", "orthogonality-penalty = [-1]"));
        assertError("g: batch-size: 32.5 must be a whole number", () -> GridSpec.parse("g", "batch-size = [32.5]"));
        assertError("g: init-scheme: 'xavier' is not one of", () -> GridSpec.parse("g", "init-scheme = [xavier]"));
        assertError("g: learning-rate: 0.001 is listed twice", () -> GridSpec.parse("g", "learning-rate = [1e-3, 0.001]"));
        assertError("g: no options", () -> GridSpec.parse("g", ""));
        assertError("g: not valid HOCON", () -> GridSpec.parse("g", "learning-rate = [1e-3"));
        assertError("g: epochs: unknown option", () -> GridSpec.parse("g", "epochs = [1, 2]"));
    }

    @Test
    void aUnionListsEachPartsConfigurationsWithTheSharedLists() {
        GridSpec g = GridSpec.parse("g", "learning-rate = [1e-4]\n"
                + "union = [{init-scheme = [laes, random]}, {init-scheme = orthogonal, orthogonality-penalty = [1e-2, 1e-1]}]");
        assertEquals(List.of("initlaes-lr0.0001", "initrandom-lr0.0001", "initorthogonal-lr0.0001-op0.01",
                "initorthogonal-lr0.0001-op0.1"), g.points().stream().map(GridSpec.Point::id).toList());
        assertEquals(List.of(0, 1, 2, 3), g.points().stream().map(GridSpec.Point::index).toList());
        assertEquals(List.of("--init-scheme", "orthogonal", "--learning-rate", "0.0001", "--orthogonality-penalty", "0.1"),
                g.points().get(3).args());
        assertEquals(Map.of("init-scheme", List.of("laes", "random", "orthogonal"), "learning-rate", List.of("0.0001"),
                "orthogonality-penalty", List.of("0.01", "0.1")), g.lists());
        assertEquals(List.of("laes", "random", "orthogonal"), g.values(GridSpec.Key.INIT_SCHEME, "w"));
        assertEquals(List.of("0.01", "0.1"), g.values(GridSpec.Key.ORTHOGONALITY_PENALTY, "w"));
    }

    @Test
    void refusesBadUnions() {
        assertError("g: union must be a non-empty list", () -> GridSpec.parse("g", "union = []"));
        assertError("g: union[1]: not a grid", () -> GridSpec.parse("g", "union = [{learning-rate = 1}, 3]"));
        assertError("g: union[0]: no options", () -> GridSpec.parse("g", "union = [{}]"));
        assertError("g: union[0]: learning-rate is also listed for every part",
                () -> GridSpec.parse("g", "learning-rate = 1\nunion = [{learning-rate = 2}]"));
        assertError("g: configuration lr0.1 is listed twice", () -> GridSpec.parse("g", "union = [{learning-rate = [0.1]}, {learning-rate = [1e-1, 1]}]"));
        assertError("g: union[0]: momentum: unknown option", () -> GridSpec.parse("g", "union = [{momentum = 1}]"));
    }

    private static void assertError(String start, org.junit.jupiter.api.function.Executable parse) {
        InputException e = assertThrows(InputException.class, parse);
        assertTrue(e.getMessage().startsWith(start), "'" + start + "' starts: " + e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
