package ai.laes.jobs;

import static ai.laes.jobs.JobAssertions.assertInputError;
import static ai.laes.jobs.JobAssertions.capture;
import static ai.laes.jobs.JobAssertions.listing;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import ai.laes.spark.SparkTestBase;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prepare --format parquet refuses bad input: exit 2, one line naming the row (its id) and the column, or the option,
 * and nothing left beside --out. The good table: 40 rows ({@code seq} 5 steps x 3 features of real MNIST pixels,
 * {@code label} 0..2, {@code split} train for rows 0..29, validation 30..34, test 35..39, {@code name} "s00".."s39");
 * each case breaks one thing in it.
 */
class ParquetPrepareErrorsTest extends SparkTestBase {
    static final StructType SCHEMA = SequenceTables.schema("name", DataTypes.StringType,
            "seq", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)),
            "label", DataTypes.IntegerType, "split", DataTypes.StringType);
    static final String[] COLUMNS = {"--sequence-col", "seq", "--label-col", "label", "--split-col", "split"};

    @TempDir
    static Path tmp;

    /** Row {@code i} of the good table, with {@code steps} steps of {@code k} features. */
    static Object[] good(int i, int steps, int k) {
        List<List<Double>> seq = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            List<Double> step = new ArrayList<>();
            for (int f = 0; f < k; f++) {
                step.add((SequenceTables.images().pixels(i)[300 + t * k + f] & 0xFF) / 255.0);
            }
            seq.add(step);
        }
        return new Object[] {String.format("s%02d", i), seq, i % 3, i < 30 ? "train" : i < 35 ? "validation" : "test"};
    }

    /** The good table with row {@code bad} changed by {@code change}, written in {@code files} files. */
    static Path table(String name, int bad, UnaryOperator<Object[]> change, int files) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Object[] r = good(i, 5, 3);
            rows.add(SequenceTables.row(i == bad ? change.apply(r) : r));
        }
        return SequenceTables.write(spark, tmp.resolve("in").resolve(name), SCHEMA, rows, files);
    }

    static Path table(String name, int bad, UnaryOperator<Object[]> change) {
        return table(name, bad, change, 2);
    }

    /** Runs prepare --format parquet on {@code input} with {@code options} and asserts the refusal. */
    static void refused(Path input, List<String> options, String... fragments) throws IOException {
        Path parent = Files.createDirectories(tmp.resolve("out").resolve(input.getFileName().toString() + "-" + System.nanoTime()));
        List<String> args = new ArrayList<>(List.of("--format", "parquet", "--input", input.toString(), "--out",
                parent.resolve("prepared").toString()));
        args.addAll(options);
        List<String> before = listing(parent);
        JobAssertions.Outcome o = capture(() -> JobLauncher.execute("prepare", new PrepareOptions(), args.toArray(String[]::new),
                PrepareJob::run, spark));
        System.out.println("refused: " + o.stderr()); // the messages, for reading in the test's output file
        assertInputError(o, parent, before, fragments);
        assertFalse(o.stderr().contains("Exception"), o.stderr());
    }

    static void refused(Path input, String... fragments) throws IOException {
        refused(input, List.of(COLUMNS), fragments);
    }

    static Object[] set(Object[] row, int column, Object value) {
        row[column] = value;
        return row;
    }

    @Test
    void aMissingColumn() throws IOException {
        refused(table("missing-column", -1, r -> r), List.of("--sequence-col", "pixels", "--label-col", "label"),
                "--input", "no column 'pixels' (--sequence-col)", "name, seq, label, split");
    }

    @Test
    void aSequenceColumnOfAnUnsupportedType() throws IOException {
        refused(table("string-sequence", -1, r -> r), List.of("--sequence-col", "name", "--label-col", "label"),
                "column 'name' (--sequence-col) is string", "array<array<double>>");
    }

    @Test
    void aLabelColumnOfAnUnsupportedType() throws IOException {
        Path input = SequenceTables.write(spark, tmp.resolve("in").resolve("double-label"),
                SequenceTables.schema("seq", SequenceTables.FLAT_DOUBLE, "score", DataTypes.DoubleType),
                List.of(SequenceTables.row(List.of(1.0, 2.0), 0.5)), 1);
        refused(input, List.of("--sequence-col", "seq", "--label-col", "score"), "column 'score' (--label-col) is double");
    }

    @Test
    void aNullSequence() throws IOException {
        refused(table("null-sequence", 7, r -> set(r, 1, null)), "row 7:", "column 'seq' is null");
    }

    @Test
    void anEmptySequence() throws IOException {
        refused(table("empty-sequence", 3, r -> set(r, 1, List.of())), "row 3:", "column 'seq' is an empty sequence");
    }

    @Test
    void raggedSteps() throws IOException {
        refused(table("ragged", 12, r -> set(r, 1, List.of(List.of(0.1, 0.2, 0.3), List.of(0.4, 0.5)))),
                "row 12:", "column 'seq' has 2 features at step 2 but 3 at step 1");
    }

    @Test
    void stepsOfAnotherSizeThanTheOtherRows() throws IOException {
        refused(table("other-k", 20, r -> good(20, 5, 4)), "row 20:", "column 'seq' has 4 features per step", "row 0 has 3");
    }

    @Test
    void stepsOfAnotherSizeThanTheFeatureSize() throws IOException {
        List<String> options = new ArrayList<>(List.of(COLUMNS));
        options.addAll(List.of("--feature-size", "4"));
        refused(table("feature-size", -1, r -> r), options, "row 0:", "column 'seq' has 3 features per step, --feature-size is 4");
    }

    @Test
    void aNaN() throws IOException {
        refused(table("nan", 5, r -> set(r, 1, List.of(List.of(0.1, 0.2, 0.3), List.of(0.4, Double.NaN, 0.6)))),
                "row 5:", "column 'seq' has the non-finite value NaN at step 2, feature 1");
    }

    @Test
    void anInfiniteValue() throws IOException {
        refused(table("infinite", 6, r -> set(r, 1, List.of(List.of(Double.NEGATIVE_INFINITY, 0.2, 0.3)))),
                "row 6:", "column 'seq' has the non-finite value -Infinity at step 1, feature 0");
    }

    @Test
    void aNullLabel() throws IOException {
        refused(table("null-label", 9, r -> set(r, 2, null)), "row 9:", "column 'label' (--label-col) is null");
    }

    @Test
    void aTestClassThatTrainingDoesNotHave() throws IOException {
        refused(table("unseen-class", 37, r -> set(r, 2, 7)), "row 37:", "column 'label' is class '7'",
                "in test but not in training");
    }

    @Test
    void aSequenceLongerThanMaxLength() throws IOException {
        List<String> options = new ArrayList<>(List.of(COLUMNS));
        options.addAll(List.of("--max-length", "5"));
        refused(table("too-long", 4, r -> good(4, 8, 3)), options, "row 4:", "column 'seq' has 8 steps, more than --max-length 5");
    }

    @Test
    void aFeatureSizeThatDoesNotDivideAFlatSequence() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(SequenceTables.row(SequenceTables.cropped(i).subList(0, i == 6 ? 10 : 9), i % 2));
        }
        Path input = SequenceTables.write(spark, tmp.resolve("in").resolve("not-divisible"),
                SequenceTables.schema("seq", SequenceTables.FLAT_DOUBLE, "label", DataTypes.IntegerType), rows, 1);
        refused(input, List.of("--sequence-col", "seq", "--label-col", "label", "--feature-size", "3"),
                "row 6:", "column 'seq' has 10 values, not a multiple of --feature-size 3");
    }

    @Test
    void aSplitColumnWithAnotherValue() throws IOException {
        refused(table("dev-split", 2, r -> set(r, 3, "dev")), "row 2:", "column 'split' (--split-col) is 'dev'",
                "expected train, validation or test");
    }

    @Test
    void theFirstBadRowIsNamedWhateverTheFilesAndPartitions() throws IOException {
        Path input = table("two-bad", 31, r -> set(r, 1, null), 3);
        List<Row> rows = new ArrayList<>(); // the same, and row 11 bad too
        for (int i = 0; i < 40; i++) {
            rows.add(SequenceTables.row(i == 31 || i == 11 ? set(good(i, 5, 3), 1, null) : good(i, 5, 3)));
        }
        Path both = SequenceTables.write(spark, tmp.resolve("in").resolve("two-bad-rows"), SCHEMA, rows, 3);
        refused(input, "row 31:", "column 'seq' is null");
        refused(both, "row 11:", "column 'seq' is null");
    }

    @Test
    void rowsAreNamedByTheIdColumn() throws IOException {
        List<String> options = new ArrayList<>(List.of(COLUMNS));
        options.addAll(List.of("--id-col", "name"));
        refused(table("named", 14, r -> set(r, 1, null)), options, "row s14:", "column 'seq' is null");
        refused(table("null-id", 14, r -> set(r, 0, null)), options, "row number 14 (no id)", "column 'name' (--id-col) is null");
    }

    @Test
    void aRepeatedId() throws IOException {
        List<String> options = new ArrayList<>(List.of(COLUMNS));
        options.addAll(List.of("--id-col", "name"));
        refused(table("repeated-id", 23, r -> set(r, 0, "s04"), 3), options, "row s04:",
                "column 'name' (--id-col) repeats the id of row number 4");
    }

    @Test
    void fractionsThatLeaveNoTrainingSet() throws IOException {
        refused(table("fractions", -1, r -> r), List.of("--sequence-col", "seq", "--label-col", "label",
                "--validation-fraction", "0.5", "--test-fraction", "0.5"), "--validation-fraction 0.5 and --test-fraction 0.5",
                "leave no training set");
    }

    @Test
    void fractionsWithASplitColumn() throws IOException {
        List<String> options = new ArrayList<>(List.of(COLUMNS));
        options.addAll(List.of("--test-fraction", "0.3"));
        refused(table("fraction-and-column", -1, r -> r), options, "--test-fraction", "only when splitting by fractions");
    }

    @Test
    void noTrainingRows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Object[] r = good(i, 5, 3);
            rows.add(SequenceTables.row(set(r, 3, "test")));
        }
        Path input = SequenceTables.write(spark, tmp.resolve("in").resolve("all-test"), SCHEMA, rows, 1);
        refused(input, "--input", "no training sequences");
    }

    @Test
    void aMissingInput() throws IOException {
        refused(tmp.resolve("in").resolve("nope"), "--input", "nope", "not found");
    }

    @Test
    void anIdColumnOfAnUnsupportedType() throws IOException {
        List<String> options = new ArrayList<>(List.of(COLUMNS));
        options.addAll(List.of("--id-col", "seq"));
        refused(table("array-id", -1, r -> r), options, "column 'seq' (--id-col) is array<array<double>>",
                "expected a string or an integer");
    }

    @Test
    void labelTypesThatDifferBetweenInputs() throws IOException {
        var schema = SequenceTables.schema("seq", SequenceTables.FLAT_DOUBLE, "label", DataTypes.StringType);
        Path train = table("int-labels", -1, r -> r);
        Path validation = SequenceTables.write(spark, tmp.resolve("in").resolve("string-labels"), schema,
                List.of(SequenceTables.row(List.of(1.0, 2.0, 3.0), "zero")), 1);
        refused(train, List.of("--sequence-col", "seq", "--label-col", "label", "--input-validation", validation.toString(),
                "--input-test", train.toString()), "--input-validation", "column 'label' (--label-col) is string, but integer in --input");
    }

    @Test
    void aMissingValidationInput() throws IOException {
        Path train = table("no-validation", -1, r -> r);
        refused(train, List.of("--sequence-col", "seq", "--label-col", "label", "--input-validation",
                tmp.resolve("in").resolve("nowhere").toString(), "--input-test", train.toString()), "--input-validation", "nowhere", "not found");
    }

    @Test
    void anInputThatIsNotParquet() throws IOException {
        Path text = Files.createDirectories(tmp.resolve("in").resolve("text"));
        Files.writeString(text.resolve("rows.csv"), "seq,label\n1,2\n");
        refused(text, "--input", "not readable as Parquet");
    }

    @Test
    void anExistingOutput() throws IOException {
        Path input = table("for-existing", -1, r -> r);
        Path parent = Files.createDirectories(tmp.resolve("out").resolve("existing"));
        Files.createDirectories(parent.resolve("prepared"));
        List<String> before = listing(parent);
        List<String> args = new ArrayList<>(List.of("--format", "parquet", "--input", input.toString(), "--out",
                parent.resolve("prepared").toString()));
        args.addAll(List.of(COLUMNS));
        assertInputError(capture(() -> JobLauncher.execute("prepare", new PrepareOptions(), args.toArray(String[]::new),
                PrepareJob::run, spark)), parent, before, "already exists", "--overwrite");
    }

    @Test
    void optionsOfTheOtherFormatOrMissing() throws IOException {
        Path input = table("options", -1, r -> r);
        refused(input, List.of("--label-col", "label"), "--sequence-col", "required");
        refused(input, List.of("--sequence-col", "seq", "--label-col", "label", "--replicate", "2"),
                "--replicate", "not an option of --format parquet");
        refused(input, List.of("--sequence-col", "seq", "--label-col", "label", "--input-test", input.toString()),
                "give both --input-validation and --input-test");
        refused(input, List.of("--sequence-col", "seq", "--label-col", "label", "--format", "csv"), "--format csv", "unknown value");
    }
}
