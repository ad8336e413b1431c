package ai.laes.jobs;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.laes.data.DatasetInfo;
import ai.laes.data.LengthDistribution;
import ai.laes.data.MnistShards;
import ai.laes.data.SequenceShards;
import ai.laes.data.SequenceSource;
import ai.laes.data.SequenceStatistics;
import ai.laes.data.ShardLayout;
import ai.laes.data.SourceChecks;
import ai.laes.data.SourceColumns;
import ai.laes.data.SourceFormat;
import ai.laes.data.SourceRow;
import ai.laes.data.Split;
import ai.laes.data.SplitRule;
import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.InputFiles;
import ai.laes.io.RunInfo;
import ai.laes.spark.Stages;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * prepare {@code --format parquet}: the user's labelled sequences into the general shard layout
 * ({@link SequenceShards}) and dataset.json. The schemas are checked before any pass over the data; then every
 * check, the statistics and the shards come from distributed passes over the rows (cached once read), and no
 * sequence ever travels to the driver.
 */
final class ParquetPrepare {
    private ParquetPrepare() {
    }

    /**
     * Runs prepare --format parquet: the inputs exist, the output may be written, the schemas fit; then the rows are
     * read and checked, counted, written as shards, and the inputs checksummed; dataset.json, run.json, commit.
     */
    static void run(PrepareOptions options, SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SequenceSource source = source(options);
        inputsExist(source, conf);
        try (AtomicOutput out = AtomicOutput.begin(options.output.out, options.output.overwrite, conf)) {
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("prepare", JobLauncher.resolved(options));
            stages.run("prepare: check schemas", () -> source.open(spark));
            JavaRDD<SourceRow> rows = stages.run("prepare: read rows", () -> source.rows().persist(StorageLevel.MEMORY_AND_DISK()));
            try {
                stages.run("prepare: check rows", () -> SourceChecks.noBadRow(source, rows));
                if (options.idCol != null) {
                    stages.run("prepare: check ids", () -> SourceChecks.uniqueIds(source, options.idCol, rows));
                }
                SequenceStatistics stats = stages.run("prepare: statistics", () -> SequenceStatistics.of(rows));
                int k = stages.run("prepare: check features", () -> SourceChecks.features(source, options.sequenceCol, rows, stats));
                List<String> classes = stages.run("prepare: check classes", () -> SourceChecks.classes(source, options.labelCol, rows, stats));
                stages.run("prepare: write shards", () -> writeShards(spark, rows, classes, out.work(), options.shards));
                Map<String, Object> inputs = stages.run("prepare: checksums", () -> checksums(sc, source, conf));
                DatasetInfo dataset = describe(source, stats, k, classes, inputs, options);
                dataset.write(out.work(), conf);
                inputs.forEach(info::input);
                info.put("seeds", Map.of("split", options.seed));
                info.put("rows", rows(dataset));
                info.put("dataset", dataset.summary());
                info.put("spark", Map.of("master", sc.master(), "application", sc.sc().applicationId()));
                info.write(out.file("run.json"), conf, stages.seconds());
                out.commit();
            } finally {
                rows.unpersist(false);
            }
        }
    }

    /** The source the options describe: the inputs, the columns and the way to split. */
    static SequenceSource source(PrepareOptions o) {
        List<SequenceSource.Input> inputs = new ArrayList<>();
        SplitRule rule;
        if (o.inputValidation != null) {
            inputs.add(new SequenceSource.Input("--input", o.input, Split.TRAIN));
            inputs.add(new SequenceSource.Input("--input-validation", o.inputValidation, Split.VALIDATION));
            inputs.add(new SequenceSource.Input("--input-test", o.inputTest, Split.TEST));
            rule = SplitRule.byInputs();
        } else {
            inputs.add(new SequenceSource.Input("--input", o.input, null));
            rule = o.splitCol != null ? SplitRule.byColumn() : SplitRule.byFractions(o.validationFraction, o.testFraction, o.seed);
        }
        SourceColumns columns = new SourceColumns(o.sequenceCol, o.labelCol, o.idCol, o.splitCol);
        return new SequenceSource(inputs, columns, rule, o.featureSize, o.maxLength);
    }

    /** Every input path exists (before an output directory is made). */
    private static void inputsExist(SequenceSource source, Configuration conf) {
        for (SequenceSource.Input in : source.inputs()) {
            if (!FileSystems.exists(FileSystems.qualified(in.location(), conf), conf)) {
                throw new InputException(in.where() + ": not found");
            }
        }
    }

    /** One shard directory per split, each of {@code shards} files, labels as class indices. */
    private static void writeShards(SparkSession spark, JavaRDD<SourceRow> rows, List<String> classes, Path dir, int shards) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        for (Split split : Split.values()) {
            SequenceShards.write(spark, rows.filter(r -> r.split() == split).map(r -> r.toSequence(index.get(r.label()))),
                    MnistShards.splitDir(dir, split), shards);
        }
    }

    /** Each input's data files with their sizes and SHA-256, by option. */
    private static Map<String, Object> checksums(JavaSparkContext sc, SequenceSource source, Configuration conf) {
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (SequenceSource.Input in : source.inputs()) {
            String role = in.option().replaceFirst("^--", "");
            inputs.put(role, InputFiles.describe(sc, in.location(), FileSystems.qualified(in.location(), conf), conf));
        }
        return inputs;
    }

    /** dataset.json of the checked rows: k, T_max and lengths, classes and counts, and the source with its checksums. */
    private static DatasetInfo describe(SequenceSource source, SequenceStatistics stats, int k, List<String> classes,
            Map<String, Object> inputs, PrepareOptions options) {
        Map<Split, long[]> counts = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            long[] c = new long[classes.size()];
            stats.labels(split).forEach((label, n) -> c[classes.indexOf(label)] = n);
            counts.put(split, c);
        }
        LengthDistribution lengths = new LengthDistribution(stats.lengths());
        Map<String, Object> resolved = JobLauncher.resolved(options);
        Map<String, Object> shaping = new LinkedHashMap<>();
        for (String option : PrepareOptions.PARQUET_ONLY) {
            String key = option.replaceFirst("^--", "");
            shaping.put(key, resolved.get(key));
        }
        shaping.put("seed", options.seed);
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("format", SourceFormat.PARQUET.id());
        src.put("inputs", inputs);
        src.put("options", shaping);
        return new DatasetInfo(ShardLayout.SEQUENCES, k, lengths.max(), source.labelKind(), classes, counts, lengths.toJson(), src);
    }

    /** Sequences per split, for run.json's {@code rows} as the MNIST prepare records them. */
    private static Map<String, Object> rows(DatasetInfo dataset) {
        Map<String, Object> rows = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            rows.put(split.dir(), java.util.Arrays.stream(dataset.counts(split)).sum());
        }
        return rows;
    }
}
