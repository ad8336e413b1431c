package ai.laes.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.MnistShards;
import ai.laes.data.SequenceView;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import ai.laes.spark.Stages;
import ai.laes.laes.GramRoute;
import ai.laes.laes.Laes;
import ai.laes.laes.LaesModel;
import ai.laes.laes.SvdRoute;
import ai.laes.lmn.init.LmnInitializer;
import java.util.function.Supplier;
import ai.laes.train.LeastSquaresReadout;
import ai.laes.train.LmnClassifier;
import ai.laes.train.Batches;
import ai.laes.train.Checkpoints;
import ai.laes.train.EpochLog;
import ai.laes.train.EpochPlan;
import ai.laes.train.Evaluator;
import ai.laes.train.Hyperparameters;
import ai.laes.train.LstmClassifier;
import ai.laes.train.ModelFactory;
import ai.laes.train.ModelFiles;
import ai.laes.train.ParameterAveragingTrainer;
import ai.laes.train.StateGradientProbe;
import ai.laes.train.TrainingDiverged;
import ai.laes.train.ValidatedEpoch;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tune: a classifier (the LSTM baseline, or the LMN once merged; optionally started from a
 * pretraining output) trained by parameter averaging on Spark, validated every epoch, the best
 * model by validation loss evaluated on the test split.
 *
 * <p>Outputs: {@code metrics.jsonl} (one line per epoch), {@code gradients.csv}
 * ({@code epoch,iteration,t,norm}), {@code checkpoints/epoch-NNN.{zip,json}},
 * {@code model/best.zip}, {@code model/final.zip}, {@code evaluation.json}, {@code run.json},
 * {@code _SUCCESS}. Until the commit everything lives in {@code .NAME.inprogress} beside
 * {@code --out} ({@link AtomicOutput#resumable}); {@code --resume} continues there from the newest
 * complete checkpoint and, as every epoch's order is a function of (seed, epoch), retraces the
 * uninterrupted run.
 */
public final class FinetuneJob {
    /** The network file a pretraining output provides. */
    static final String INIT_MODEL = "model/lmn-init.zip";
    private static final Logger LOG = LoggerFactory.getLogger(FinetuneJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FinetuneJob() {
    }

    public static void main(String[] args) {
        JobLauncher.main("finetune", new FinetuneOptions(), args, FinetuneJob::run);
    }

    /**
     * The model of {@code --model}: the LSTM baseline, or the LMN initialised by {@code --init-scheme}
     * ({@code laes} takes the LAES of the training sequences from {@code laes}, computed only if needed).
     */
    static ModelFactory factory(FinetuneOptions o, Supplier<LaesModel> laes) {
        Hyperparameters hyper = new Hyperparameters(o.learningRate, o.weightDecay, o.clipNorm);
        if (o.model.equals("lmn")) {
            return new LmnClassifier(1, o.hidden, hyper, seed -> switch (o.initScheme) {
                case "random" -> LmnInitializer.random(seed);
                case "orthogonal" -> LmnInitializer.orthogonal(seed);
                default -> {
                    LaesModel m = laes.get();
                    yield LmnInitializer.laes(m.a(), m.b(), m.mu());
                }
            });
        }
        return new LstmClassifier(1, o.hidden, MnistImages.CLASSES, hyper);
    }

    /** The exact LAES (p = hidden size) of the training sequences as the network sees them. */
    public static LaesModel laesOf(JavaRDD<LabeledImage> train, Batches batches, int p, Stages stages) {
        return Laes.fit(train.map(im -> batches.sequence(im.pixels())), 1, p, SvdRoute.GRAM, GramRoute.BLOCKED, stages);
    }

    public static void run(FinetuneOptions o, SparkSession spark) throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path prepared = PretrainJob.preparedDataset(o.data, conf);
        Path initModel = o.init == null ? null : initModel(o, conf);
        Hyperparameters hyper = new Hyperparameters(o.learningRate, o.weightDecay, o.clipNorm);
        Batches batches = new Batches(SequenceView.of(o.sequenceTask(), prepared, conf), o.cropSteps);
        Map<String, Object> options = JobLauncher.resolved(o);

        try (AtomicOutput out = AtomicOutput.resumable(o.output.out, o.output.overwrite, o.resume, conf)) {
            if (out.resumed() && FileSystems.exists(out.file("options.json"), conf)) {
                checkResumable(out.file("options.json"), o, options, conf);
            }
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("finetune", options);
            Checkpoints checkpoints = new Checkpoints(out.work(), conf);
            EpochLog metrics = new EpochLog(out.file("metrics.jsonl"), null, FinetuneJob::jsonEpoch, conf);
            EpochLog gradients = new EpochLog(out.file("gradients.csv"), "epoch,iteration,t,norm",
                    line -> Integer.parseInt(line.substring(0, line.indexOf(','))), conf);

            JavaRDD<LabeledImage> train = stages.run("fine-tune: read shards", () -> split(spark, prepared, Split.TRAIN, o.limit));
            JavaRDD<LabeledImage> validation = stages.run("fine-tune: read shards", () -> split(spark, prepared, Split.VALIDATION, o.limit));
            long trainCount = stages.run("fine-tune: read shards", () -> {
                validation.count();
                return train.count();
            });
            if (trainCount == 0) {
                throw new InputException("--data " + o.data + ": the training split is empty");
            }
            int workers = o.workers > 0 ? o.workers : sc.defaultParallelism();
            ModelFactory factory = factory(o, () -> laesOf(train, batches, o.hidden, stages));

            Optional<Checkpoints.State> restored = out.resumed() ? checkpoints.latest() : Optional.empty();
            MultiLayerNetwork net;
            Checkpoints.State state;
            if (restored.isPresent()) {
                state = restored.get();
                net = checkpoints.load(state.epoch());
                metrics.keepUpTo(state.epoch());
                // The checkpoint is the epoch's commit point; its metrics line may not have been appended yet.
                if (state.epoch() > 0 && metrics.lines().stream().noneMatch(l -> jsonEpoch(l) == restored.get().epoch())) {
                    metrics.append(List.of(JSON.writeValueAsString(state.metrics())));
                }
                gradients.keepUpTo(state.epoch());
                LOG.info("Resuming {} after epoch {} (best so far: epoch {})", o.output.out, state.epoch(), state.bestEpoch());
            } else {
                RunInfo.writeJson(out.file("options.json"), conf, options);
                if (initModel != null) {
                    net = hyper.applyTo(ModelFiles.load(initModel, false, conf, "--init " + o.init));
                } else {
                    net = factory.create(o.seed);
                    MultiLayerNetwork fresh = net;
                    stages.run("fine-tune: least-squares readout", () -> LeastSquaresReadout.fit(sc, fresh, train, batches));
                }
                checkShape(net, o);
                MultiLayerNetwork start = net;
                Evaluator.Result initial = stages.run("fine-tune: validate the initial network",
                        () -> Evaluator.evaluate(sc, start, validation, batches, o.evalBatchSize));
                RunInfo.writeJson(out.file("initial.json"), conf,
                        Map.of("val_loss", initial.loss(), "val_accuracy", initial.accuracy()));
                state = new Checkpoints.State(0, o.seed, 0, Double.POSITIVE_INFINITY, Map.of());
                checkpoints.save(net, state);
            }
            out.keepOnFailure();

            ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(sc, net, workers, o.batchSize, o.averagingFrequency, o.seed);
            StateGradientProbe probe = factory.probe();
            Set<Integer> probeEpochs = o.probeEpochSet();
            for (int epoch = state.epoch() + 1; epoch <= o.epochs; epoch++) {
                int e = epoch;
                int lastGood = state.epoch();
                ValidatedEpoch.Outcome val;
                try {
                    val = ValidatedEpoch.run(sc, trainer, train, trainCount, validation, batches, o.seed, epoch, o.epochs,
                            o.evalBatchSize, stages, "fine-tune", plan -> {
                                if (probeEpochs.contains(e)) {
                                    stages.run(String.format(Locale.ROOT, "fine-tune epoch %d/%d: gradient probe", e, o.epochs),
                                            () -> gradients.append(probeLines(probe, trainer.network(), plan, batches, e)));
                                }
                            });
                } catch (TrainingDiverged d) {
                    throw new TrainingDiverged(d.getMessage() + "; stopped, the last good checkpoint is "
                            + checkpoints.zip(lastGood) + " (a smaller --learning-rate may help)");
                }
                Map<String, Object> record = val.record(o.learningRate);
                boolean best = val.valLoss() < state.bestValLoss();
                state = new Checkpoints.State(epoch, o.seed, best ? epoch : state.bestEpoch(),
                        best ? val.valLoss() : state.bestValLoss(), record);
                checkpoints.save(trainer.network(), state);
                if (best) {
                    ModelFiles.copy(checkpoints.zip(epoch), out.file("model/best.zip"), conf);
                }
                metrics.append(List.of(JSON.writeValueAsString(record)));
                LOG.info(String.format(Locale.ROOT, "fine-tune epoch %d/%d: train loss %.4f, validation loss %.4f, accuracy %.4f, %.0f examples/s%s",
                        epoch, o.epochs, val.trainLoss(), val.valLoss(), val.valAccuracy(), val.examplesPerSecond(), best ? " (best)" : ""));
            }
            // Also after a resume that stopped between a checkpoint and its copy; epoch 0 only if no epoch ran.
            ModelFiles.copy(checkpoints.zip(state.bestEpoch() > 0 ? state.bestEpoch() : state.epoch()), out.file("model/best.zip"), conf);
            ModelFiles.save(trainer.network(), out.file("model/final.zip"), true, conf);

            MultiLayerNetwork bestNet = ModelFiles.load(out.file("model/best.zip"), false, conf, "model/best.zip");
            JavaRDD<LabeledImage> test = split(spark, prepared, Split.TEST, o.limit);
            Evaluator.Result result = stages.run("fine-tune: test", () -> Evaluator.evaluate(sc, bestNet, test, batches, o.evalBatchSize));
            RunInfo.writeJson(out.file("evaluation.json"), conf, evaluationJson(result, state.bestEpoch()));

            PretrainJob.recordPrepared(info, o.data, prepared, conf);
            if (initModel != null) {
                info.input("init/" + INIT_MODEL, o.init + "/" + INIT_MODEL, initModel, conf);
                info.input("init/run.json", o.init + "/run.json", new Path(FileSystems.qualified(o.init, conf), "run.json"), conf);
            }
            info.put("seeds", Map.of("seed", o.seed));
            info.put("rows", Map.of("train", trainCount));
            info.put("workers", workers);
            info.put("best_epoch", state.bestEpoch());
            info.put("initial", RunInfo.readJson(out.file("initial.json"), conf));
            info.put("spark", Map.of("master", sc.master(), "application", sc.sc().applicationId()));
            info.write(out.file("run.json"), conf, stages.seconds());
            train.unpersist(false);
            validation.unpersist(false);
            out.commit();
        }
    }

    /**
     * {@code --init DIR}'s model file, checked to exist and to come from a pretraining of the same task
     * and memory size (= {@code --hidden}) as this run, according to the pretraining's run.json.
     */
    static Path initModel(FinetuneOptions o, Configuration conf) {
        Path dir = FileSystems.qualified(o.init, conf);
        if (!FileSystems.exists(dir, conf)) {
            throw new InputException("--init " + o.init + ": directory not found");
        }
        Path model = new Path(dir, INIT_MODEL);
        if (!FileSystems.exists(model, conf)) {
            throw new InputException("--init " + o.init + ": no " + INIT_MODEL + " (is it a pretraining output?)");
        }
        Path runJson = new Path(dir, "run.json");
        if (!FileSystems.exists(runJson, conf)) {
            throw new InputException("--init " + o.init + ": no run.json (is it a complete pretraining output?)");
        }
        Map<String, Object> run = RunInfo.readJson(runJson, conf);
        Object job = run.get("job");
        Map<?, ?> pre = run.get("options") instanceof Map<?, ?> m ? m : Map.of();
        String task = String.valueOf(pre.get("task"));
        String size = String.valueOf(pre.get("memory-size"));
        if (!"pretrain".equals(job) || !task.equals(o.sequenceTask().id()) || !size.equals(String.valueOf(o.hidden))) {
            throw new InputException("--init " + o.init + ": the output of " + job + " --task " + task + " --memory-size " + size
                    + ", but this run is --task " + o.sequenceTask().id() + " --hidden " + o.hidden);
        }
        return model;
    }

    /** The network must read one feature per step and predict the 10 digits. */
    static void checkShape(MultiLayerNetwork net, FinetuneOptions o) {
        long in = net.layerInputSize(0);
        long classes = net.layerSize(net.getnLayers() - 1);
        if (in != 1 || classes != MnistImages.CLASSES) {
            throw new InputException((o.init != null ? "--init " + o.init : "--model " + o.model) + ": the network reads "
                    + in + " features and predicts " + classes + " classes, expected 1 and " + MnistImages.CLASSES);
        }
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

    /** A split's images, at most {@code limit} (the lowest indices) if {@code limit > 0}, cached. */
    static JavaRDD<LabeledImage> split(SparkSession spark, Path prepared, Split split, int limit) {
        return PretrainJob.limit(MnistShards.read(spark, prepared, split), limit).persist(StorageLevel.MEMORY_AND_DISK());
    }

    static List<String> probeLines(StateGradientProbe probe, MultiLayerNetwork net, EpochPlan plan, Batches batches, int epoch) {
        List<LabeledImage> batch = plan.firstMinibatch();
        double[] norms = probe.meanStateGradientNorms(net, batches.features(batch), batches.labels(batch));
        int iteration = net.getIterationCount();
        List<String> lines = new ArrayList<>(norms.length);
        for (int t = 0; t < norms.length; t++) {
            lines.add(String.format(Locale.ROOT, "%d,%d,%d,%.9g", epoch, iteration, t + 1, norms[t]));
        }
        return lines;
    }

    static int jsonEpoch(String line) {
        try {
            return JSON.readTree(line).get("epoch").asInt();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("metrics.jsonl: bad line " + line, e);
        }
    }

    static Map<String, Object> evaluationJson(Evaluator.Result r, int bestEpoch) {
        Evaluation ev = r.evaluation();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("split", "test");
        m.put("best_epoch", bestEpoch);
        m.put("examples", r.count());
        m.put("accuracy", r.accuracy());
        m.put("loss", r.loss());
        List<Map<String, Object>> classes = new ArrayList<>();
        long[][] confusion = new long[MnistImages.CLASSES][MnistImages.CLASSES];
        for (int c = 0; c < MnistImages.CLASSES; c++) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("class", c);
            k.put("precision", ev.precision(c));
            k.put("recall", ev.recall(c));
            k.put("f1", ev.f1(c));
            classes.add(k);
            for (int p = 0; p < MnistImages.CLASSES; p++) {
                confusion[c][p] = ev.getConfusionMatrix() == null ? 0 : ev.getConfusionMatrix().getCount(c, p);
            }
        }
        m.put("per_class", classes);
        m.put("confusion_matrix", confusion);
        m.put("confusion_matrix_rows", "actual class; columns: predicted class");
        return m;
    }
}
