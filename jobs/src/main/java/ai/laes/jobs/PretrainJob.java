package ai.laes.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.laes.data.DatasetInfo;
import ai.laes.data.MnistShards;
import ai.laes.data.PreparedData;
import ai.laes.data.SequenceExample;
import ai.laes.data.ShardLayout;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.Npy;
import ai.laes.io.RunInfo;
import ai.laes.laes.Laes;
import ai.laes.laes.LaesModel;
import ai.laes.laes.ReconstructionError;
import ai.laes.lmn.LmnArtifacts;
import ai.laes.train.RecurrentClassifiers;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.train.Batches;
import ai.laes.train.Evaluator;
import ai.laes.train.LeastSquaresReadout;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import ai.laes.readout.RidgeReadout;
import ai.laes.spark.Stages;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Pretrain: the exact LAES of the training sequences (docs/laes-math.md, "The linear autoencoder for sequences"), its reconstruction
 * error on the test split, and the accuracy of a least-squares readout of its final states. The sequences are any
 * prepared dataset's ({@link PreparedData#examples}: k features per step, lengths that may differ, C classes, all
 * from dataset.json); {@code --task} picks MNIST's pixel order and is ignored for general sequences.
 */
public final class PretrainJob {
    /** Seed of the LMN's configuration (its parameters all come from the LAES and the readout). */
    static final long LMN_SEED = 42;

    private PretrainJob() {
    }

    public static void main(String[] args) {
        JobLauncher.main("pretrain", new PretrainOptions(), args, PretrainJob::run);
    }

    /** Runs the job on {@code spark}. */
    public static void run(PretrainOptions options, SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path prepared = PreparedData.locate(options.data, conf);
        try (AtomicOutput out = AtomicOutput.begin(options.output.out, options.output.overwrite, conf)) {
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("pretrain", JobLauncher.resolved(options));
            PreparedData.record(info, options.data, prepared, conf);
            DatasetInfo dataset = PreparedData.describe(prepared, conf);
            Batches batches = Batches.of(dataset, 0);

            JavaRDD<SequenceExample> train = PreparedData.read(spark, prepared, dataset, options.task, Split.TRAIN, options.limit);
            long trainCount = stages.run("LAES: read training shards", train::count);
            if (trainCount == 0) {
                throw new InputException(MnistShards.splitDir(prepared, Split.TRAIN) + ": the training split is empty");
            }
            JavaRDD<double[]> sequences = train.map(SequenceExample::values).persist(StorageLevel.MEMORY_AND_DISK());
            LaesModel model = Laes.fit(sequences, dataset.k(), options.memorySize, options.svd, options.gram, options.eigenSolver, stages);
            sequences.unpersist(false);

            JavaRDD<SequenceExample> test = PreparedData.examples(spark, prepared, dataset, options.task, Split.TEST, 0);
            JavaRDD<double[]> testSequences = test.map(SequenceExample::values);
            double[] mse = stages.run("LAES: reconstruction error (test)", () -> model.reconstructionMsePerLag(testSequences, sc));
            double[] baseline = stages.run("LAES: mean-only baseline (test)",
                    () -> ReconstructionError.meanBaselinePerLag(model.mu(), model.maxSteps(), testSequences));

            Broadcast<LaesModel> shared = sc.broadcast(model);
            double accuracy;
            try {
                RidgeReadout readout = stages.run("LAES: encode train + readout",
                        () -> RidgeReadout.fit(finalStates(train, shared), batches.classes()));
                accuracy = stages.run("LAES: encode test", () -> readout.accuracy(finalStates(test, shared)));
            } finally {
                shared.destroy();
            }
            Map<String, Object> init = initialisedLmn(sc, stages, model, batches, train, test, out, conf);
            writeLaes(out, conf, model);
            writeReconstruction(out.file("reconstruction.csv"), conf, mse, baseline);
            Map<String, Object> metrics = metrics(options, dataset, model, mse, baseline, accuracy);
            metrics.put("train_sequences", trainCount);
            metrics.putAll(init);
            metrics.put("seconds", stages.seconds());
            RunInfo.writeJson(out.file("metrics.json"), conf, metrics);
            train.unpersist(false);
            info.put("dataset", dataset.summary());
            info.put("seeds", Map.of("lmn", LMN_SEED));
            info.put("spark", Map.of("master", sc.master(), "application", sc.sc().applicationId()));
            info.write(out.file("run.json"), conf, stages.seconds());
            out.commit();
        }
    }

    /**
     * The LMN initialised from the LAES (docs/laes-math.md, "Initialising the LMN from the LAES", functional size = memory size = p),
     * its least-squares readout fitted on the training split, evaluated on the test split, and written
     * as {@code model/lmn-init.zip} and {@code model/lmn-init/*.npy}. Returns its metrics.
     */
    static Map<String, Object> initialisedLmn(JavaSparkContext sc, Stages stages, LaesModel model, Batches batches,
            JavaRDD<SequenceExample> train, JavaRDD<SequenceExample> test, AtomicOutput out, Configuration conf) {
        RecurrentClassifiers.Settings settings = RecurrentClassifiers.Settings.reference();
        settings.nIn = model.inputSize();
        settings.hidden = model.memorySize();
        settings.memory = model.memorySize();
        settings.classes = batches.classes();
        settings.seed = LMN_SEED;
        MultiLayerNetwork lmn = RecurrentClassifiers.lmnClassifier(settings);
        LmnInitializer.laes(model.a(), model.b(), model.mu()).initialise(lmn, 0);
        stages.run("LMN: least-squares readout", () -> LeastSquaresReadout.fit(sc, lmn, train, batches));
        Evaluator.Result result = stages.run("LMN: evaluate test", () -> Evaluator.evaluate(sc, lmn, test, batches, LeastSquaresReadout.BATCH));
        LmnArtifacts.write(lmn, out.file("model"), "lmn-init", conf);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("init_test_accuracy", result.accuracy());
        m.put("init_test_loss", result.loss());
        return m;
    }

    /** (final LAES state, label) of every sequence, encoded on the executors from the broadcast model. */
    static JavaRDD<Tuple2<double[], Integer>> finalStates(JavaRDD<SequenceExample> examples, Broadcast<LaesModel> model) {
        return examples.mapPartitions(it -> {
            java.util.List<double[]> seqs = new java.util.ArrayList<>();
            java.util.List<Integer> labels = new java.util.ArrayList<>();
            it.forEachRemaining(e -> {
                seqs.add(e.values());
                labels.add(e.label());
            });
            double[][] states = model.value().finalStates(seqs);
            java.util.List<Tuple2<double[], Integer>> out = new java.util.ArrayList<>(states.length);
            for (int i = 0; i < states.length; i++) {
                out.add(new Tuple2<>(states[i], labels.get(i)));
            }
            return out.iterator();
        });
    }

    static void writeLaes(AtomicOutput out, Configuration conf, LaesModel model) {
        Npy.writeMatrix(out.file("laes/A.npy"), conf, model.a());
        Npy.writeMatrix(out.file("laes/B.npy"), conf, model.b());
        Npy.writeVector(out.file("laes/mean.npy"), conf, model.mu());
        Npy.writeVector(out.file("laes/singular_values.npy"), conf, model.singularValues());
    }

    static void writeReconstruction(Path path, Configuration conf, double[] mse, double[] baseline) {
        try (OutputStream os = FileSystems.of(path, conf).create(path, true);
             PrintWriter w = new PrintWriter(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8))) {
            w.println("lag,mse,mean_baseline_mse");
            for (int d = 0; d < mse.length; d++) {
                w.println(d + "," + mse[d] + "," + baseline[d]);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** The metrics; {@code task} is MNIST's task, null for general sequences (which have none). */
    static Map<String, Object> metrics(PretrainOptions options, DatasetInfo dataset, LaesModel model, double[] mse,
            double[] baseline, double accuracy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", dataset.layout() == ShardLayout.MNIST ? options.task.id() : null);
        m.put("memory_size", model.memorySize());
        m.put("sequence_length", model.maxSteps());
        m.put("input_size", model.inputSize());
        m.put("svd_method", JobLauncher.label(options.svd));
        m.put("gram_route", JobLauncher.label(options.gram));
        m.put("mean", model.mu());
        double[] s = model.singularValues();
        m.put("singular_values_top", Arrays.copyOf(s, Math.min(10, s.length)));
        m.put("sigma_ratio", model.sigmaRatio());
        m.put("explained_variance_ratio", model.explainedVarianceRatio());
        m.put("eigen_solver", JobLauncher.label(options.eigenSolver));
        m.putAll(model.checks());
        m.put("reconstruction_mse_test", Arrays.stream(mse).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN));
        m.put("mean_baseline_mse_test", Arrays.stream(baseline).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN));
        m.put("laes_readout_test_accuracy", accuracy);
        return m;
    }
}
