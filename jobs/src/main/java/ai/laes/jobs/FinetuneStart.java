package ai.laes.jobs;

import java.util.Map;
import java.util.function.Supplier;

import ai.laes.data.DatasetInfo;
import ai.laes.data.SequenceExample;
import ai.laes.data.ShardLayout;
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
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The network fine-tuning starts from, as the fine-tune job and every configuration of the grid job build it: the
 * model of {@code --model} initialised by {@code --init-scheme} ({@link #factory}, the LAES of the training sequences
 * from {@link #laesOf}), or the pretrained model of {@code --init} ({@link #initModel}), with the readout of
 * {@code --readout} ({@link #startingNetwork}), checked to read the dataset's k features per step and predict its C
 * classes ({@link #checkShape}).
 */
public final class FinetuneStart {
    /** The network file a pretraining output provides. */
    static final String INIT_MODEL = "model/lmn-init.zip";

    private FinetuneStart() {
    }

    /**
     * The model of {@code --model}: the LSTM baseline, or the LMN initialised by {@code --init-scheme}
     * ({@code laes} takes the LAES of the training sequences from {@code laes}, computed only if needed).
     */
    static ModelFactory factory(FinetuneOptions o, DatasetInfo dataset, Supplier<LaesModel> laes) {
        Hyperparameters hyper = o.hyperparameters();
        int k = dataset.k();
        int classes = dataset.classes().size();
        if (o.training.model == Architecture.LMN) {
            return new LmnClassifier(k, o.training.hidden, classes, hyper, seed -> switch (o.initScheme) {
                case RANDOM -> LmnInitializer.random(seed);
                case ORTHOGONAL -> LmnInitializer.orthogonal(seed);
                case LAES -> {
                    LaesModel m = laes.get();
                    yield LmnInitializer.laes(m.a(), m.b(), m.mu());
                }
            });
        }
        return new LstmClassifier(k, o.training.hidden, classes, hyper);
    }

    /** The exact LAES (p = hidden size) of the training sequences as the network sees them (ragged, k per step). */
    public static LaesModel laesOf(JavaRDD<? extends SequenceExample> train, Batches batches, int p, Stages stages) {
        return Laes.fit(train.map(batches::sequence), batches.k(), p, SvdRoute.GRAM, GramRoute.BLOCKED, stages);
    }

    /**
     * The network fine-tuning starts from, before the hyperparameters are applied: {@code --init}'s model (its
     * least-squares readout kept, or replaced by a random one with {@code --readout random}), or a new one of
     * {@code factory} with the readout of {@code --readout}.
     */
    static MultiLayerNetwork startingNetwork(FinetuneOptions o, Path initModel, ModelFactory factory, JavaSparkContext sc,
            JavaRDD<? extends SequenceExample> train, Batches batches, Stages stages, Configuration conf) {
        if (initModel != null) {
            MultiLayerNetwork net = ModelFiles.load(initModel, false, conf, "--init " + o.training.init);
            if (o.readout == ReadoutScheme.RANDOM) {
                ReadoutScheme.random(net, o.training.seed);
            }
            return net;
        }
        MultiLayerNetwork net = factory.create(o.training.seed);
        stages.run("fine-tune: " + JobLauncher.label(o.readout) + " readout", () -> o.readout.initialise(net, sc, train, batches, o.training.seed));
        return net;
    }

    /**
     * {@code --init DIR}'s model file, checked to exist and to come from a pretraining of the same dataset (MNIST's
     * layout: the same task; general sequences: the same k and classes) and memory size (= {@code --hidden}) as this
     * run, according to the pretraining's run.json.
     */
    static Path initModel(FinetuneOptions o, DatasetInfo dataset, Configuration conf) {
        Path dir = FileSystems.qualified(o.training.init, conf);
        if (!FileSystems.exists(dir, conf)) {
            throw new InputException("--init " + o.training.init + ": directory not found");
        }
        Path model = new Path(dir, INIT_MODEL);
        if (!FileSystems.exists(model, conf)) {
            throw new InputException("--init " + o.training.init + ": no " + INIT_MODEL + " (is it a pretraining output?)");
        }
        Path runJson = new Path(dir, "run.json");
        if (!FileSystems.exists(runJson, conf)) {
            throw new InputException("--init " + o.training.init + ": no run.json (is it a complete pretraining output?)");
        }
        Map<String, Object> run = RunInfo.readJson(runJson, conf);
        Object job = run.get("job");
        Map<?, ?> pre = run.get("options") instanceof Map<?, ?> m ? m : Map.of();
        String task = String.valueOf(pre.get("task"));
        String size = String.valueOf(pre.get("memory-size"));
        checkSameDataset(o, dataset, run);
        if (dataset.layout() == ShardLayout.SEQUENCES) {
            task = o.training.task.id(); // general sequences have no task
        }
        if (!"pretrain".equals(job) || !task.equals(o.training.task.id()) || !size.equals(String.valueOf(o.training.hidden))) {
            throw new InputException("--init " + o.training.init + ": the output of " + job + " --task " + task + " --memory-size " + size
                    + ", but this run is --task " + o.training.task.id() + " --hidden " + o.training.hidden);
        }
        return model;
    }

    /**
     * The pretraining must have read sequences of the same k into the same classes as this run's dataset: checked
     * against its run.json's {@code dataset}, which a pretraining of MNIST made before general sequences lacks (then
     * only a dataset of MNIST's layout matches it).
     */
    private static void checkSameDataset(FinetuneOptions o, DatasetInfo dataset, Map<String, Object> run) {
        Map<?, ?> pre = run.get("dataset") instanceof Map<?, ?> m ? m : Map.of();
        if (pre.isEmpty() && dataset.layout() == ShardLayout.MNIST) {
            return;
        }
        Object k = pre.get("k");
        Object classes = pre.get("classes");
        if (!String.valueOf(dataset.k()).equals(String.valueOf(k)) || !dataset.classes().equals(classes)) {
            throw new InputException("--init " + o.training.init + ": pretrained on " + (k == null ? "MNIST or an unknown dataset"
                    : "k = " + k + " features and classes " + classes) + ", but --data " + o.training.data + " has k = "
                    + dataset.k() + " and classes " + dataset.classes());
        }
    }

    /** The network must read the dataset's k features per step and predict its C classes. */
    static void checkShape(MultiLayerNetwork net, FinetuneOptions o, DatasetInfo dataset) {
        long in = net.layerInputSize(0);
        long classes = net.layerSize(net.getnLayers() - 1);
        if (in != dataset.k() || classes != dataset.classes().size()) {
            throw new InputException((o.training.init != null ? "--init " + o.training.init : "--model " + JobLauncher.label(o.training.model)) + ": the network reads "
                    + in + " features and predicts " + classes + " classes, expected " + dataset.k() + " and " + dataset.classes().size());
        }
    }
}
