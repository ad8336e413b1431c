package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The results committed under submit/results (run.json, CSVs, pages, grid files) name nothing of the machine they
 * were made on: a user's clone has none of its folders, so run.json records the paths relative to the repository.
 */
class CommittedResultsTest {
    private static final Path RESULTS = Path.of("").toAbsolutePath().getParent().resolve("submit/results");

    @Test
    void nameNoFolderOfTheMachineTheyWereMadeOn() throws IOException {
        assertTrue(Files.isDirectory(RESULTS), RESULTS + " (run the tests from the jobs module)");
        JobAssertions.assertNoMachinePaths(RESULTS);
    }

    @Test
    void machineFoldersAreFoundButWebAddressesAreNot() {
        for (String path : new String[] {"\"out\" : \"/work/main/out\"", "file:/tmp/x", " /home/me/data", "/root/.m2/"}) {
            assertTrue(JobAssertions.MACHINE_FOLDER.matcher(path).find(), path);
        }
        for (String other : new String[] {"https://example.org/home/x", "submit/results/work/x", "hdfs:///user/me/tmp"}) {
            assertFalse(JobAssertions.MACHINE_FOLDER.matcher(other).find(), other);
        }
    }
}
