package ai.laes.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.MnistShards;
import ai.laes.data.PreparedData;
import ai.laes.data.SequenceView;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import ai.laes.laes.GramRoute;
import ai.laes.laes.Laes;
import ai.laes.laes.LaesModel;
import ai.laes.laes.SvdRoute;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.spark.Stages;
import ai.laes.train.Architecture;
import ai.laes.train.Batches;
import ai.laes.train.Evaluator;
import ai.laes.train.FineTuning;
import ai.laes.train.Hyperparameters;
import ai.laes.train.LmnClassifier;
import ai.laes.train.LstmClassifier;
import ai.laes.train.ModelFactory;
import ai.laes.train.ModelFiles;
import ai.laes.train.ReadoutScheme;
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
 * Fine-tune: a classifier (the LMN, optionally started from a pretraining output, or the LSTM baseline)
 * trained by parameter averaging on Spark in the loop of {@link FineTuning}, validated every epoch; the
 * network with the lowest validation loss, the start (epoch 0) included, is evaluated on the test split.
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
        Hyperparameters hyper = o.hyperparameters();
        if (o.model == Architecture.LMN) {
            return new LmnClassifier(1, o.hidden, hyper, seed -> switch (o.initScheme) {
                case RANDOM -> LmnInitializer.random(seed);
                case ORTHOGONAL -> LmnInitializer.orthogonal(seed);
                case LAES -> {
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
        Path prepared = PreparedData.locate(o.data, conf);
        Path initModel = o.init == null ? null : initModel(o, conf);
        Batches batches = new Batches(SequenceView.of(o.task, prepared, conf), o.cropSteps);
        Map<String, Object> options = JobLauncher.resolved(o);

        try (AtomicOutput out = AtomicOutput.resumable(o.output.out, o.output.overwrite, o.resume, conf)) {
            if (out.resumed() && FileSystems.exists(out.file("options.json"), conf)) {
                checkResumable(out.file("options.json"), o, options, conf);
            }
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("finetune", options);

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
            FineTuning.Data data = new FineTuning.Data(train, trainCount, validation, batches);
            FineTuning.Setup setup = new FineTuning.Setup(o.epochs, workers, o.batchSize, o.averagingFrequency,
                    o.evalBatchSize, o.seed, "fine-tune");
            FinetuneStore store = new FinetuneStore(out.work(), o, factory.probe(), batches, stages, conf);

            Optional<FinetuneStore.Resumed> resumed = out.resumed() ? store.resume() : Optional.empty();
            MultiLayerNetwork net;
            FineTuning.Progress progress;
            if (resumed.isPresent()) {
                net = resumed.get().network();
                progress = resumed.get().progress();
                LOG.info("Resuming {} after epoch {} (best so far: epoch {})", o.output.out, progress.epoch(), progress.bestEpoch());
            } else {
                RunInfo.writeJson(out.file("options.json"), conf, options);
                net = o.hyperparameters().applyTo(startingNetwork(o, initModel, factory, sc, train, batches, stages, conf));
                checkShape(net, o);
                progress = FineTuning.start(sc, net, data, setup, stages, store);
            }
            out.keepOnFailure();

            FineTuning.Result result = FineTuning.train(sc, net, progress, data, setup, stages, store);
            int bestEpoch = result.progress().bestEpoch();
            // Also after a resume that stopped between a checkpoint and its copy.
            ModelFiles.copy(store.checkpoints().zip(bestEpoch), out.file("model/best.zip"), conf);
            ModelFiles.save(result.last(), out.file("model/final.zip"), true, conf);

            MultiLayerNetwork bestNet = ModelFiles.load(out.file("model/best.zip"), false, conf, "model/best.zip");
            JavaRDD<LabeledImage> test = split(spark, prepared, Split.TEST, o.limit);
            Evaluator.Result tested = stages.run("fine-tune: test", () -> Evaluator.evaluate(sc, bestNet, test, batches, o.evalBatchSize));
            RunInfo.writeJson(out.file("evaluation.json"), conf, evaluationJson(tested, bestEpoch, result.progress().bestValLoss()));

            PreparedData.record(info, o.data, prepared, conf);
            if (initModel != null) {
                info.input("init/" + INIT_MODEL, o.init + "/" + INIT_MODEL, initModel, conf);
                info.input("init/run.json", o.init + "/run.json", new Path(FileSystems.qualified(o.init, conf), "run.json"), conf);
            }
            info.put("seeds", Map.of("seed", o.seed, "detach", o.seed, "readout", o.seed));
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
     * The network fine-tuning starts from, before the hyperparameters are applied: {@code --init}'s model (its
     * least-squares readout kept, or replaced by a random one with {@code --readout random}), or a new one of
     * {@code factory} with the readout of {@code --readout}.
     */
    static MultiLayerNetwork startingNetwork(FinetuneOptions o, Path initModel, ModelFactory factory, JavaSparkContext sc,
            JavaRDD<LabeledImage> train, Batches batches, Stages stages, Configuration conf) {
        if (initModel != null) {
            MultiLayerNetwork net = ModelFiles.load(initModel, false, conf, "--init " + o.init);
            if (o.readout == ReadoutScheme.RANDOM) {
                ReadoutScheme.random(net, o.seed);
            }
            return net;
        }
        MultiLayerNetwork net = factory.create(o.seed);
        stages.run("fine-tune: " + JobLauncher.label(o.readout) + " readout", () -> o.readout.initialise(net, sc, train, batches, o.seed));
        return net;
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
        if (!"pretrain".equals(job) || !task.equals(o.task.id()) || !size.equals(String.valueOf(o.hidden))) {
            throw new InputException("--init " + o.init + ": the output of " + job + " --task " + task + " --memory-size " + size
                    + ", but this run is --task " + o.task.id() + " --hidden " + o.hidden);
        }
        return model;
    }

    /** The network must read one feature per step and predict the 10 digits. */
    static void checkShape(MultiLayerNetwork net, FinetuneOptions o) {
        long in = net.layerInputSize(0);
        long classes = net.layerSize(net.getnLayers() - 1);
        if (in != 1 || classes != MnistImages.CLASSES) {
            throw new InputException((o.init != null ? "--init " + o.init : "--model " + JobLauncher.label(o.model)) + ": the network reads "
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
        return PreparedData.limit(MnistShards.read(spark, prepared, split), limit).persist(StorageLevel.MEMORY_AND_DISK());
    }

    /**
     * The test evaluation of the chosen network: {@code best_epoch} is the epoch with the lowest validation loss,
     * 0 when no trained epoch beat the network fine-tuning started from.
     */
    static Map<String, Object> evaluationJson(Evaluator.Result r, int bestEpoch, double bestValLoss) {
        Evaluation ev = r.evaluation();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("split", "test");
        m.put("best_epoch", bestEpoch);
        m.put("chosen", bestEpoch == 0 ? "the start (epoch 0): no trained epoch had a lower validation loss"
                : "epoch " + bestEpoch + ": the lowest validation loss");
        m.put("best_val_loss", bestValLoss);
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
