package ai.laes.jobs;

import java.util.Map;
import java.util.Optional;

import ai.laes.data.DatasetInfo;
import ai.laes.data.SequenceExample;
import ai.laes.data.PreparedData;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import ai.laes.spark.Stages;
import ai.laes.train.Batches;
import ai.laes.train.EvaluationJson;
import ai.laes.train.Evaluator;
import ai.laes.train.FineTuning;
import ai.laes.train.ModelFactory;
import ai.laes.train.ModelFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tune: a classifier (the LMN, optionally started from a pretraining output, or the LSTM baseline)
 * trained by parameter averaging on Spark in the loop of {@link FineTuning}, validated every epoch; the
 * network with the lowest validation loss, the start (epoch 0) included, is evaluated on the test split.
 *
 * <p>Outputs: {@code metrics.jsonl} (one line per epoch), {@code gradients.csv}
 * ({@code epoch,iteration,t,norm}), their pictures {@code curves.png} and (when it probed) {@code gradients.png}
 * ({@link FinetuneCharts}), {@code checkpoints/epoch-NNN.{zip,json}},
 * {@code model/best.zip}, {@code model/final.zip}, {@code evaluation.json}, {@code run.json},
 * {@code _SUCCESS}. Until the commit everything lives in {@code .NAME.inprogress} beside
 * {@code --out} ({@link AtomicOutput#resumable}); {@code --resume} continues there from the newest
 * complete checkpoint and, as every epoch's order is a function of (seed, epoch), retraces the
 * uninterrupted run.
 */
public final class FinetuneJob {
    private static final Logger LOG = LoggerFactory.getLogger(FinetuneJob.class);
    /** The resolved options a run saves when it starts (the resume check, the epoch budget). */
    static final String OPTIONS = "options.json";

    private FinetuneJob() {
    }

    public static void main(String[] args) {
        JobLauncher.main("finetune", new FinetuneOptions(), args, FinetuneJob::run);
    }

    public static void run(FinetuneOptions o, SparkSession spark) throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path prepared = PreparedData.locate(o.training.data, conf);
        DatasetInfo dataset = PreparedData.describe(prepared, conf);
        Path initModel = o.training.init == null ? null : FinetuneStart.initModel(o, dataset, conf);
        Batches batches = Batches.of(dataset, o.training.cropSteps);
        Map<String, Object> options = JobLauncher.resolved(o);

        boolean newBudget = o.training.resume && EpochBudget.check(o, o.output.out, conf);
        try (AtomicOutput out = AtomicOutput.resumable(o.output.out, o.output.overwrite, o.training.resume, conf)) {
            if (out.resumed() && FileSystems.exists(out.file(OPTIONS), conf)) {
                checkResumable(out.file(OPTIONS), o, options, conf);
                if (newBudget) {
                    RunInfo.writeJson(out.file(OPTIONS), conf, options);
                }
            }
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("finetune", options);

            JavaRDD<SequenceExample> train = stages.run("fine-tune: read shards",
                    () -> PreparedData.read(spark, prepared, dataset, o.training.task, Split.TRAIN, o.training.limit));
            JavaRDD<SequenceExample> validation = stages.run("fine-tune: read shards",
                    () -> PreparedData.read(spark, prepared, dataset, o.training.task, Split.VALIDATION, o.training.limit));
            long trainCount = stages.run("fine-tune: read shards", () -> {
                validation.count();
                return train.count();
            });
            if (trainCount == 0) {
                throw new InputException("--data " + o.training.data + ": the training split is empty");
            }
            int workers = o.workers > 0 ? o.workers : sc.defaultParallelism();
            ModelFactory factory = FinetuneStart.factory(o, dataset, () -> FinetuneStart.laesOf(train, batches, o.training.hidden, stages));
            FineTuning.Data data = new FineTuning.Data(train, trainCount, validation, batches, byLength(dataset, batches));
            FineTuning.Setup setup = new FineTuning.Setup(o.training.epochs, workers, o.batchSize, o.averagingFrequency,
                    o.training.evalBatchSize, o.training.seed, "fine-tune");
            FinetuneStore store = new FinetuneStore(out.work(), o, factory.probe(), batches, stages, conf);

            Optional<FinetuneStore.Resumed> resumed = out.resumed() ? store.resume() : Optional.empty();
            MultiLayerNetwork net;
            FineTuning.Progress progress;
            if (resumed.isPresent()) {
                net = resumed.get().network();
                progress = resumed.get().progress();
                LOG.info("Resuming {} after epoch {} (best so far: epoch {})", o.output.out, progress.epoch(), progress.bestEpoch());
            } else {
                RunInfo.writeJson(out.file(OPTIONS), conf, options);
                net = o.hyperparameters().applyTo(FinetuneStart.startingNetwork(o, initModel, factory, sc, train, batches, stages, conf));
                FinetuneStart.checkShape(net, o, dataset);
                progress = FineTuning.start(sc, net, data, setup, stages, store);
            }
            out.keepOnFailure();

            FineTuning.Result result = FineTuning.train(sc, net, progress, data, setup, stages, store);
            int bestEpoch = result.progress().bestEpoch();
            // Also after a resume that stopped between a checkpoint and its copy.
            ModelFiles.copy(store.checkpoints().zip(bestEpoch), out.file("model/best.zip"), conf);
            ModelFiles.save(result.last(), out.file("model/final.zip"), true, conf);

            MultiLayerNetwork bestNet = ModelFiles.load(out.file("model/best.zip"), false, conf, "model/best.zip");
            JavaRDD<SequenceExample> test = PreparedData.read(spark, prepared, dataset, o.training.task, Split.TEST, o.training.limit);
            Evaluator.Result tested = stages.run("fine-tune: test",
                    () -> Evaluator.evaluate(sc, bestNet, test, batches, o.training.evalBatchSize));
            RunInfo.writeJson(out.file("evaluation.json"), conf, EvaluationJson.of(tested, bestEpoch, result.progress().bestValLoss(),
                    dataset.classes()));
            stages.run("fine-tune: pictures", () -> store.draw(bestEpoch));

            recordInputs(info, o.training, prepared, initModel, conf);
            info.put("dataset", dataset.summary());
            info.put("rows", Map.of("train", trainCount));
            info.put("workers", workers);
            info.put("best_epoch", bestEpoch);
            info.put("initial", RunInfo.readJson(out.file("initial.json"), conf));
            info.put("spark", Map.of("master", sc.master(), "application", sc.sc().applicationId()));
            info.write(out.file("run.json"), conf, stages.seconds());
            train.unpersist(false);
            validation.unpersist(false);
            out.commit();
        }
    }

    /**
     * Whether an epoch's minibatches are grouped by length: for sequences whose lengths (as {@code --crop-steps} cuts
     * them) differ; MNIST's, all 784 steps, are plainly shuffled as before.
     */
    static boolean byLength(DatasetInfo dataset, Batches batches) {
        int crop = batches.crop();
        int longest = crop == 0 ? dataset.tMax() : Math.min(crop, dataset.tMax());
        return dataset.minLength() < longest;
    }

    /** The run's inputs (the prepared dataset; the pretraining's model and run.json) and its seeds, for run.json. */
    private static void recordInputs(RunInfo info, TrainingOptions t, Path prepared, Path initModel, Configuration conf) {
        PreparedData.record(info, t.data, prepared, conf);
        if (initModel != null) {
            info.input("init/" + FinetuneStart.INIT_MODEL, t.init + "/" + FinetuneStart.INIT_MODEL, initModel, conf);
            info.input("init/run.json", t.init + "/run.json", new Path(FileSystems.qualified(t.init, conf), "run.json"), conf);
        }
        info.put("seeds", Map.of("seed", t.seed, "detach", t.seed, "readout", t.seed));
    }

    /** A resumed run must train the same trajectory as the one it continues. */
    static void checkResumable(Path saved, FinetuneOptions o, Map<String, Object> now, Configuration conf) {
        Map<String, Object> before = RunInfo.readJson(saved, conf);
        for (String key : o.trajectoryKeys()) {
            String a = String.valueOf(before.get(key));
            String b = String.valueOf(now.get(key));
            if (!a.equals(b)) {
                throw new InputException("--resume: --" + key + " " + b + " differs from the unfinished run's " + a
                        + " (pass --overwrite to start over)");
            }
        }
    }
}
