package ai.laes.jobs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import ai.laes.data.DatasetInfo;
import ai.laes.data.SequenceExample;
import ai.laes.data.PreparedData;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import ai.laes.laes.LaesModel;
import ai.laes.lmn.init.InitScheme;
import ai.laes.report.Charts;
import ai.laes.report.ReportPage;
import ai.laes.spark.Stages;
import ai.laes.train.Batches;
import ai.laes.train.NetworkBroadcast;
import ai.laes.train.grid.GridSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Model selection as one job: every configuration of a grid ({@link GridSpec}: the reference grid of 40 by default)
 * fine-tuned side by side, one network per Spark task on one executor core ({@link GridTask}, no parameter
 * averaging: configurations are independent, so they need no communication at all), validated every epoch; the
 * configuration whose best epoch has the lowest validation loss is selected and only it is evaluated on the test
 * split.
 * <p>
 * The driver broadcasts the training and validation images once (plain arrays, {@link GridImages}) and the starting
 * network of each initialisation scheme once (ModelSerializer bytes), then submits one single-task Spark job per
 * configuration from a pool of {@code --parallel} threads (default: Spark's default parallelism, the cluster's cores),
 * the longest expected first, each job described by its configuration in the Spark UI. Spark retries a failed task;
 * the retry continues from the configuration's newest complete checkpoint. Outputs: {@code grid.csv},
 * {@code best/model.zip} + {@code best/evaluation.json}, {@code validation_curves.png}, {@code runs/<id>/} (each
 * configuration's checkpoints, {@code metrics.jsonl}, {@code done.json}), {@code run.json}, {@code _SUCCESS}; until
 * the commit in {@code .NAME.inprogress}, which {@code --resume} continues without retraining a finished configuration.
 * With {@code --best-per OPTION} also the best configuration of each value of that grid option, each evaluated on the
 * test split ({@link GridBestPer}); no evaluation is done twice ({@link GridEvaluations}).
 */
public final class GridJob {
    private static final Logger LOG = LoggerFactory.getLogger(GridJob.class);
    /** Each configuration's resolved options, saved when the grid starts (the resume check). */
    static final String CONFIGURATIONS = "configurations.json";

    private GridJob() {
    }

    public static void main(String[] args) {
        JobLauncher.main("grid", new GridOptions(), args, GridJob::run);
    }

    /** The fine-tune options of one configuration: {@code args} over the fine-tune defaults (and {@code configFile}). */
    static FinetuneOptions finetuneOptions(List<String> args, String configFile, String where) {
        FinetuneOptions fo = new FinetuneOptions();
        try {
            JobLauncher.commandLine("finetune", fo, configFile).parseArgs(args.toArray(new String[0]));
            fo.validate();
        } catch (CommandLine.ParameterException | InputException e) {
            throw new InputException(where + ": " + e.getMessage());
        }
        return fo;
    }

    /** Every option of {@code fo} spelt out, so an executor rebuilds the same options without the config file. */
    static List<String> explicit(FinetuneOptions fo) {
        List<String> args = new ArrayList<>();
        JobLauncher.resolved(fo).forEach((key, value) -> {
            if (value == null || key.equals("config") || Boolean.FALSE.equals(value)) {
                return;
            }
            args.add("--" + key);
            if (!(value instanceof Boolean)) {
                args.add(String.valueOf(value));
            }
        });
        return args;
    }

    /**
     * The fine-tune options of configuration {@code p}: the shared ones, then its grid values. {@code --init} is the
     * LAES start, so it goes only to configurations started from the LAES; the orthogonal and random ones are drawn.
     */
    static List<String> argsOf(GridOptions o, GridSpec.Point p) {
        List<String> args = shared(o);
        String scheme = p.values().get(GridSpec.Key.INIT_SCHEME);
        if (scheme != null && !InitScheme.LAES.name().equalsIgnoreCase(scheme) && args.contains("--init")) {
            int i = args.indexOf("--init");
            args.subList(i, i + 2).clear();
        }
        args.addAll(p.args());
        return args;
    }

    /** The options every configuration shares, from the grid job's own. */
    static List<String> shared(GridOptions o) {
        TrainingOptions t = o.training;
        List<String> a = new ArrayList<>(List.of("--data", t.data, "--out", o.output.out, "--model", JobLauncher.label(t.model),
                "--task", t.task.id(), "--epochs", String.valueOf(t.epochs), "--hidden", String.valueOf(t.hidden),
                "--limit", String.valueOf(t.limit), "--crop-steps", String.valueOf(t.cropSteps),
                "--eval-batch-size", String.valueOf(t.evalBatchSize), "--seed", String.valueOf(t.seed), "--probe-epochs", "none"));
        if (t.init != null) {
            a.addAll(List.of("--init", t.init));
        }
        return a;
    }

    /** One configuration: its grid point and its fine-tune options. */
    record Config(GridSpec.Point point, FinetuneOptions options) {
        String id() {
            return point.id();
        }

        /** The options that define its trajectory (for the resume check and grid.csv). */
        Map<String, Object> resolved() {
            Map<String, Object> m = JobLauncher.resolved(options);
            for (String k : List.of("out", "overwrite", "config", "resume")) {
                m.remove(k);
            }
            return m;
        }
    }

    public static void run(GridOptions o, SparkSession spark) throws Exception {
        TrainingOptions t = o.training;
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path prepared = PreparedData.locate(t.data, conf);
        DatasetInfo dataset = PreparedData.describe(prepared, conf);
        String gridName = o.grid == null ? "the reference grid" : "--grid " + o.grid;
        GridSpec grid = o.grid == null ? GridSpec.reference() : GridSpec.read(o.grid, conf);
        GridBestPer bestPer = o.bestPer == null ? null : new GridBestPer(o.bestPer, grid, gridName);
        List<Config> configs = new ArrayList<>();
        for (GridSpec.Point p : grid.points()) {
            configs.add(new Config(p, finetuneOptions(argsOf(o, p), o.output.config, gridName + ": configuration " + p.id())));
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        configs.forEach(c -> resolved.put(c.id(), c.resolved()));
        Path initModel = t.init == null ? null : configs.stream().filter(c -> c.options().training.init != null).findFirst()
                .map(c -> FinetuneStart.initModel(c.options(), dataset, conf)).orElse(null);
        Batches batches = Batches.of(dataset, t.cropSteps);
        Map<String, Object> options = JobLauncher.resolved(o);
        options.put("best-per", o.bestPer == null ? null : o.bestPer.option()); // the grid file's name, not the enum's
        options.put("grid-lists", grid.lists());

        boolean newBudget = t.resume && EpochBudget.check(o, o.output.out, conf);
        try (AtomicOutput out = AtomicOutput.resumable(o.output.out, o.output.overwrite, t.resume, conf)) {
            Path saved = out.file(CONFIGURATIONS);
            if (out.resumed() && FileSystems.exists(saved, conf)) {
                checkResumable(saved, resolved, conf);
            }
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("grid", options);
            JavaRDD<SequenceExample> train = stages.run("grid: read shards",
                    () -> PreparedData.read(spark, prepared, dataset, t.task, Split.TRAIN, t.limit));
            JavaRDD<SequenceExample> validation = stages.run("grid: read shards",
                    () -> PreparedData.read(spark, prepared, dataset, t.task, Split.VALIDATION, t.limit));
            List<SequenceExample> trainImages = stages.run("grid: read shards", () -> train.collect());
            List<SequenceExample> validationImages = stages.run("grid: read shards", () -> validation.collect());
            if (trainImages.isEmpty() || validationImages.isEmpty()) {
                throw new InputException("--data " + t.data + ": the " + (trainImages.isEmpty() ? "training" : "validation") + " split is empty");
            }
            Map<String, byte[]> starts = startingNetworks(configs, dataset, initModel, sc, train, batches, stages, conf);
            if (!FileSystems.exists(saved, conf) || newBudget) {
                RunInfo.writeJson(saved, conf, resolved);
            }
            out.keepOnFailure();

            Broadcast<GridImages> trainCast = sc.broadcast(GridImages.of(trainImages));
            Broadcast<GridImages> validationCast = sc.broadcast(GridImages.of(validationImages));
            Map<String, Broadcast<byte[]>> startCasts = new LinkedHashMap<>();
            starts.forEach((scheme, bytes) -> startCasts.put(scheme, sc.broadcast(bytes)));
            List<GridTask> tasks = new ArrayList<>();
            for (Config c : configs) {
                tasks.add(new GridTask(c.id(), explicit(c.options()), runDir(out.work(), c.id()), trainCast, validationCast,
                        startCasts.get(scheme(c.options())), batches, conf));
            }
            int parallel = o.parallel > 0 ? o.parallel : sc.defaultParallelism();
            if (!sc.isLocal() && "file".equals(out.work().toUri().getScheme())) {
                LOG.warn("grid: --out {} is on a local file system, but the executors write the checkpoints: on a cluster of "
                        + "several machines use a shared file system (e.g. hdfs://)", o.output.out);
            }
            GridSchedule schedule = new GridSchedule(sc, out.work(), t.epochs, conf);
            stages.run("grid: train " + configs.size() + " configurations", () -> schedule.run(tasks, parallel));

            List<GridRun> runs = new ArrayList<>();
            for (Config c : configs) {
                runs.add(GridRun.read(c.id(), runDir(out.work(), c.id()), conf));
            }
            GridRun selected = select(runs);
            LOG.info("grid: selected {} (best epoch {}, validation loss {})", selected.id(), selected.bestEpoch(), selected.bestValLoss());
            writeCsv(out.file("grid.csv"), configs, runs, conf);
            Charts.lossAndAccuracy(out.file("validation_curves.png"), conf, "Validation loss (above) and accuracy (below) per "
                    + "epoch, " + runs.size() + " configurations", "epoch", curves(runs, 1), "validation cross-entropy",
                    curves(runs, 2), "validation accuracy", selected.id());

            JavaRDD<SequenceExample> test = PreparedData.read(spark, prepared, dataset, t.task, Split.TEST, t.limit);
            GridEvaluations evaluations = new GridEvaluations(sc, stages, test, dataset.classes(), batches, t.evalBatchSize, out.work(), resolved, conf);
            Map<String, Object> tested = evaluations.write(selected, out.file("best"), "grid: test the selected configuration");
            if (bestPer != null) {
                info.put("best_per", bestPer.record(bestPer.write(configs, runs, evaluations, out.work(), conf)));
            }

            PreparedData.record(info, t.data, prepared, conf);
            if (initModel != null) {
                info.input("init/" + FinetuneStart.INIT_MODEL, t.init + "/" + FinetuneStart.INIT_MODEL, initModel, conf);
            }
            info.put("dataset", dataset.summary());
            info.put("seeds", Map.of("seed", t.seed));
            info.put("rows", Map.of("train", trainImages.size(), "validation", validationImages.size(), "test", tested.get("examples")));
            info.put("configurations", configs.size());
            info.put("parallel", parallel);
            info.put("selected", Map.of("configuration", selected.id(), "best_epoch", selected.bestEpoch(),
                    "best_val_loss", selected.bestValLoss(), "test_accuracy", tested.get("accuracy")));
            info.put("spark", Map.of("master", sc.master(), "application", sc.sc().applicationId()));
            info.write(out.file("run.json"), conf, stages.seconds());
            trainCast.destroy();
            validationCast.destroy();
            startCasts.values().forEach(Broadcast::destroy);
            train.unpersist(false);
            validation.unpersist(false);
            test.unpersist(false);
            out.commit();
        }
    }

    static Path runDir(Path work, String id) {
        return new Path(new Path(work, "runs"), id);
    }

    private static String scheme(FinetuneOptions fo) {
        return JobLauncher.label(fo.initScheme);
    }

    /**
     * The starting network of each initialisation scheme the grid uses, as ModelSerializer bytes without updater
     * state (each configuration applies its own hyperparameters): built once on the driver as the fine-tune job
     * builds it, the LAES of the training split computed at most once.
     */
    static Map<String, byte[]> startingNetworks(List<Config> configs, DatasetInfo dataset, Path initModel, JavaSparkContext sc,
            JavaRDD<SequenceExample> train, Batches batches, Stages stages, Configuration conf) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        LaesModel[] laes = new LaesModel[1];
        for (Config c : configs) {
            FinetuneOptions fo = c.options();
            if (out.containsKey(scheme(fo))) {
                continue;
            }
            Supplier<LaesModel> memo = () -> laes[0] != null ? laes[0]
                    : (laes[0] = FinetuneStart.laesOf(train, batches, fo.training.hidden, stages));
            MultiLayerNetwork net = FinetuneStart.startingNetwork(fo, fo.training.init == null ? null : initModel,
                    FinetuneStart.factory(fo, dataset, memo), sc, train, batches, stages, conf);
            FinetuneStart.checkShape(net, fo, dataset);
            out.put(scheme(fo), NetworkBroadcast.toBytes(net, false));
        }
        return out;
    }

    /** A resumed grid must train the same configurations with the same options (the budget may grow: {@link EpochBudget}). */
    static void checkResumable(Path saved, Map<String, Object> now, Configuration conf) {
        Map<String, Object> before = RunInfo.readJson(saved, conf);
        if (!before.keySet().equals(now.keySet())) {
            throw new InputException("--resume: the grid's configurations differ from the unfinished run's (pass --overwrite to start over)");
        }
        for (String id : now.keySet()) {
            Map<?, ?> a = (Map<?, ?>) before.get(id);
            Map<?, ?> b = (Map<?, ?>) now.get(id);
            for (Object key : b.keySet()) {
                if (!"epochs".equals(key) && !String.valueOf(a.get(key)).equals(String.valueOf(b.get(key)))) {
                    throw new InputException("--resume: configuration " + id + ": --" + key + " " + b.get(key)
                            + " differs from the unfinished run's " + a.get(key) + " (pass --overwrite to start over)");
                }
            }
        }
    }

    /** The configuration with the lowest best validation loss (the first in grid order on a tie). */
    static GridRun select(List<GridRun> runs) {
        return best(runs).orElseThrow(() -> new IllegalStateException("no configuration has a validation loss"));
    }

    /** Of {@code runs}, the one with the lowest best validation loss, the first in their order on a tie; none if all are NaN. */
    static Optional<GridRun> best(List<GridRun> runs) {
        return runs.stream().filter(r -> !Double.isNaN(r.bestValLoss())).min(Comparator.comparingDouble(GridRun::bestValLoss));
    }

    /** The CSV header cells of the grid-able options, each after a comma (grid.csv and the --best-per table share them). */
    static String optionHeader() {
        StringBuilder s = new StringBuilder();
        for (GridSpec.Key k : GridSpec.Key.values()) {
            s.append(',').append(k.option());
        }
        return s.toString();
    }

    /** {@code c}'s values of the grid-able options, in {@link #optionHeader()}'s order. */
    static String optionCells(Config c) {
        Map<String, Object> options = c.resolved();
        StringBuilder s = new StringBuilder();
        for (GridSpec.Key k : GridSpec.Key.values()) {
            s.append(',').append(options.get(k.option()));
        }
        return s.toString();
    }

    /** One row per configuration: its id, the grid-able options, its best epoch and validation loss and accuracy. */
    static void writeCsv(Path csv, List<Config> configs, List<GridRun> runs, Configuration conf) {
        StringBuilder s = new StringBuilder("configuration").append(optionHeader())
                .append(",best_epoch,best_val_loss,best_val_accuracy,epochs,diverged_at,seconds\n");
        for (int i = 0; i < configs.size(); i++) {
            GridRun r = runs.get(i);
            s.append(r.id()).append(optionCells(configs.get(i)));
            s.append(String.format(Locale.ROOT, ",%d,%s,%s,%d,%d,%.1f%n", r.bestEpoch(), r.bestValLoss(), r.bestValAccuracy(),
                    r.epochs(), r.divergedAt(), r.seconds()));
        }
        ReportPage.text(csv, conf, s.toString());
    }

    /** Per configuration, column {@code column} of its validation records (1 loss, 2 accuracy) against the epoch. */
    private static Map<String, double[][]> curves(List<GridRun> runs, int column) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (GridRun r : runs) {
            double[][] xy = new double[2][r.validation().size()];
            for (int i = 0; i < xy[0].length; i++) {
                xy[0][i] = r.validation().get(i)[0];
                xy[1][i] = r.validation().get(i)[column];
            }
            out.put(r.id(), xy);
        }
        return out;
    }
}
