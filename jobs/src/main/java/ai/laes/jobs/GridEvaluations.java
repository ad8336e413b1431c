package ai.laes.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import ai.laes.data.SequenceExample;
import ai.laes.io.FileSystems;
import ai.laes.io.RunInfo;
import ai.laes.spark.Stages;
import ai.laes.train.Batches;
import ai.laes.train.Checkpoints;
import ai.laes.train.EvaluationJson;
import ai.laes.train.Evaluator;
import ai.laes.train.ModelFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test evaluations of a grid's selected configurations ({@code best/}, and with {@code --best-per} one folder per
 * value): each folder gets the configuration's best checkpoint as {@code model.zip}, then its {@code evaluation.json}
 * (the fine-tune job's, plus {@code configuration} and its {@code options}) written last and whole, so a folder is
 * complete exactly when its evaluation is there. Nothing done is redone: a folder of a resumed grid that already holds
 * the evaluation of the same configuration and epoch is kept, and a configuration selected by several folders (the
 * overall best is also the best of each of its values) is evaluated on Spark once.
 */
final class GridEvaluations {
    static final String MODEL = "model.zip";
    static final String EVALUATION = "evaluation.json";
    private static final Logger LOG = LoggerFactory.getLogger(GridEvaluations.class);

    private final JavaSparkContext sc;
    private final Stages stages;
    private final JavaRDD<SequenceExample> test;
    private final java.util.List<String> classes;
    private final Batches batches;
    private final int evalBatchSize;
    private final Path work;
    private final Map<String, Object> resolved;
    private final Configuration conf;
    /** This run's evaluations by configuration id, read back or computed. */
    private final Map<String, Map<String, Object>> known = new LinkedHashMap<>();

    /**
     * Evaluations on {@code test} (batches of {@code evalBatchSize}) of the runs in {@code work}/runs; {@code resolved}
     * holds each configuration's options (by id) for the evaluation's {@code options}; {@code classes} names the classes.
     */
    GridEvaluations(JavaSparkContext sc, Stages stages, JavaRDD<SequenceExample> test, java.util.List<String> classes,
            Batches batches, int evalBatchSize, Path work, Map<String, Object> resolved, Configuration conf) {
        this.sc = sc;
        this.stages = stages;
        this.test = test;
        this.classes = classes;
        this.batches = batches;
        this.evalBatchSize = evalBatchSize;
        this.work = work;
        this.resolved = resolved;
        this.conf = conf;
    }

    /**
     * Folder {@code dir} with {@code selected}'s best network and its test evaluation (timed as stage {@code stage} when
     * it runs); the evaluation.
     */
    Map<String, Object> write(GridRun selected, Path dir, String stage) {
        Path json = new Path(dir, EVALUATION);
        if (FileSystems.exists(json, conf)) {
            Map<String, Object> before = RunInfo.readJson(json, conf);
            if (sameSelection(before, selected)) {
                LOG.info("grid: {}/{} ({}) evaluated before, kept", label(dir), EVALUATION, selected.id());
                known.putIfAbsent(selected.id(), before);
                return before;
            }
            delete(dir); // another selection's folder (cannot happen for a grid resumed with the same configurations)
        }
        ModelFiles.copy(new Checkpoints(GridJob.runDir(work, selected.id()), conf).zip(selected.bestEpoch()), new Path(dir, MODEL), conf);
        Map<String, Object> evaluation = known.computeIfAbsent(selected.id(), id -> evaluate(selected, new Path(dir, MODEL), stage));
        try {
            GridTask.writeWhole(json, evaluation, conf);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + json, e);
        }
        return evaluation;
    }

    private Map<String, Object> evaluate(GridRun selected, Path model, String stage) {
        MultiLayerNetwork net = ModelFiles.load(model, false, conf, label(model));
        Evaluator.Result tested = stages.run(stage, () -> Evaluator.evaluate(sc, net, test, batches, evalBatchSize));
        Map<String, Object> evaluation = new LinkedHashMap<>();
        evaluation.put("configuration", selected.id());
        evaluation.put("options", resolved.get(selected.id()));
        evaluation.putAll(EvaluationJson.of(tested, selected.bestEpoch(), selected.bestValLoss(), classes));
        return evaluation;
    }

    /** {@code path} relative to the output, for messages ({@code best-per-init-scheme/laes}). */
    private String label(Path path) {
        return work.toUri().relativize(path.toUri()).getPath();
    }

    /** True if evaluation {@code e} is of {@code run}'s best epoch. */
    private static boolean sameSelection(Map<String, Object> e, GridRun run) {
        return run.id().equals(e.get("configuration")) && e.get("best_epoch") instanceof Number n && n.intValue() == run.bestEpoch()
                && Objects.equals(number(e.get("best_val_loss")), run.bestValLoss());
    }

    private static Double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    private void delete(Path dir) {
        try {
            FileSystems.of(dir, conf).delete(dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + dir, e);
        }
    }
}
