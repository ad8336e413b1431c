package ai.laes.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import ai.laes.spark.SparkTestBase;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page docs/spark-ml.md: its example runs on real sequential MNIST read row by row (3,000 training images, the
 * first 1,000 test images, k = 28 features per step, T = 28 steps), classifies far above chance, and its saved and
 * loaded pipeline predicts exactly as the fitted one; and the page's code is the example's code.
 */
class SparkMlExamplesTest extends SparkTestBase {
    private static final Path SOURCE = Path.of("src/test/java/ai/laes/ml/SparkMlExamples.java");
    private static final Path PAGE = Path.of("").toAbsolutePath().getParent().resolve("docs/spark-ml.md");

    @Test
    void theEncoderAndLogisticRegressionClassifySmnistRowsAndComeBackFromDisk(@TempDir Path tmp) throws IOException {
        Dataset<Row> train = MnistFrames.of("train").nested(spark, 0, 3000);
        Dataset<Row> test = MnistFrames.of("t10k").nested(spark, 0, 1000);
        long start = System.nanoTime();
        SparkMlExamples.Outcome outcome = SparkMlExamples.encoderAndLogisticRegression(train, test,
                tmp.resolve("pipeline").toUri().toString());
        System.out.printf("SparkMlExamplesTest: test accuracy %.4f (p = 32, 3,000 training rows), fit + save + load +"
                + " evaluate in %.1f s%n", outcome.accuracy(), (System.nanoTime() - start) / 1e9);
        assertTrue(outcome.accuracy() > 0.6, "accuracy " + outcome.accuracy() + ", chance is about 0.1");

        assertEquals(2, outcome.loaded().stages().length);
        LaesEncoderModel encoder = assertInstanceOf(LaesEncoderModel.class, outcome.loaded().stages()[0]);
        assertInstanceOf(LogisticRegressionModel.class, outcome.loaded().stages()[1]);
        assertEquals(32, encoder.getMemorySize());
        List<Row> fitted = outcome.fitted().transform(test).select("id", "prediction", "probability").orderBy("id")
                .collectAsList();
        List<Row> loaded = outcome.loaded().transform(test).select("id", "prediction", "probability").orderBy("id")
                .collectAsList();
        assertEquals(1000, loaded.size());
        for (int i = 0; i < fitted.size(); i++) {
            assertEquals(fitted.get(i).getDouble(1), loaded.get(i).getDouble(1), "prediction " + i);
            assertTrue(Arrays.equals(((Vector) fitted.get(i).get(2)).toArray(), ((Vector) loaded.get(i).get(2)).toArray()),
                    "probabilities " + i);
        }
    }

    @Test
    void thePageShowsExactlyTheExampleCode() throws IOException {
        String source = Files.readString(SOURCE);
        String code = between(source, "// docs/spark-ml.md: begin\n", "        // docs/spark-ml.md: end");
        String page = Files.readString(PAGE);
        String block = between(page, "<!-- code: SparkMlExamples.encoderAndLogisticRegression -->\n```java\n", "```\n");
        assertEquals(unindented(code), block, "docs/spark-ml.md's code block differs from " + SOURCE);
    }

    private static String between(String text, String begin, String end) {
        int from = text.indexOf(begin);
        assertTrue(from >= 0, "no " + begin.strip());
        int to = text.indexOf(end, from + begin.length());
        assertTrue(to >= 0, "no " + end.strip() + " after " + begin.strip());
        return text.substring(from + begin.length(), to);
    }

    /** The lines without the method body's indentation of eight spaces (blank lines stay blank). */
    private static String unindented(String code) {
        StringBuilder out = new StringBuilder();
        for (String line : code.split("\n", -1)) {
            if (!line.isBlank()) {
                assertTrue(line.startsWith("        "), "indented by 8: " + line);
            }
            out.append(line.isBlank() ? "" : line.substring(8)).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }
}
