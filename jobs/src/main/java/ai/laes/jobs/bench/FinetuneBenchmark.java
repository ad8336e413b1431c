package ai.laes.jobs.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.SequenceTask;
import ai.laes.data.SequenceView;
import ai.laes.jobs.FinetuneStart;
import ai.laes.jobs.JobLauncher;
import ai.laes.laes.LaesModel;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.spark.Stages;
import ai.laes.train.Batches;
import ai.laes.train.EpochPlan;
import ai.laes.train.Hyperparameters;
import ai.laes.train.LmnClassifier;
import ai.laes.train.LstmClassifier;
import ai.laes.train.ModelFactory;
import ai.laes.train.ParameterAveragingTrainer;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Fine-tuning throughput on whatever master spark-submit gives (local[1], local[2], a standalone
 * cluster): one worker per default-parallelism slot trains one epoch of real MNIST (sMNIST, T = 784)
 * by parameter averaging, after warm-up rounds. Prints and appends to RESULTS one tab-separated
 * line: label, master, workers, examples, seconds, examples/s, rounds, the median single-machine
 * minibatch step measured in the driver just before, and the averaging overhead per round (epoch
 * time minus the steps one worker does, divided by the rounds), and the step time with two threads
 * stepping at once, whose ratio to the lone step bounds the speed-up two workers can reach on this
 * machine (shared caches, memory bandwidth, clock). Then one line, "round timing LABEL ...", with
 * where the measured rounds' time went ({@link RoundTimings}). {@code submit/bench-finetune.sh}
 * runs it on local[1], local[2] and the cluster with one and two executors and prints the ratios.
 *
 * <p>Arguments: MNIST_DIR RESULTS LABEL [MODEL=lmn|lstm] [EXAMPLES=5120] [BATCH=64] [FREQUENCY=5] [WARM_UP_ROUNDS=4].
 */
public final class FinetuneBenchmark {
    static final String HEADER = "label\tmaster\tworkers\texamples\tseconds\texamples/s\trounds\tstep_s\toverhead_s_per_round"
            + "\tstep_s_two_threads\thardware_ceiling";

    /** Averaging rounds trained before the measured epoch (each worker steps {@code 4 * frequency} minibatches). */
    static final int WARM_UP_ROUNDS = 4;

    private FinetuneBenchmark() {
    }

    public static void main(String[] args) throws IOException, TimeoutException {
        if (args.length < 3) {
            System.err.println("usage: FinetuneBenchmark MNIST_DIR RESULTS LABEL [MODEL=lmn|lstm] [EXAMPLES=5120] [BATCH=64] [FREQUENCY=5] [WARM_UP_ROUNDS=4]");
            System.exit(JobLauncher.USAGE_ERROR);
        }
        String model = args.length > 3 ? args[3] : "lmn";
        int examples = args.length > 4 ? Integer.parseInt(args[4]) : 5120;
        int batch = args.length > 5 ? Integer.parseInt(args[5]) : 64;
        int frequency = args.length > 6 ? Integer.parseInt(args[6]) : 5;
        int warmRounds = args.length > 7 ? Integer.parseInt(args[7]) : WARM_UP_ROUNDS;
        SparkSession spark = SparkSession.builder().appName("laes-finetune-benchmark").getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int workers = sc.defaultParallelism();
            List<LabeledImage> images = images(args[0], examples, sc);
            Batches batches = Batches.mnist(0);
            JavaRDD<LabeledImage> rdd = sc.parallelize(images, workers).cache();
            rdd.count();
            ModelFactory factory = factory(model, rdd, batches);
            double step = stepSeconds(factory, batches, images, batch);
            double[] concurrent = concurrentStepSeconds(factory, batches, images, batch);
            double ceiling = 2 * step / Math.max(concurrent[0], concurrent[1]);

            ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(sc, factory.create(1), workers, batch, frequency, 1);
            // Warm-up: full averaging rounds until every executor's JIT has settled (native libraries, buffers,
            // compiled code); measured with per-thread CPU, the compiler threads of two single-core executors
            // still take 0.3-0.8 of a core in the fourth round after one warm-up round, stealing it from the
            // other executor's task (a lone worker's compiler runs on the idle core instead).
            int warmExamples = Math.min(examples, batch * workers * frequency * warmRounds);
            JavaRDD<LabeledImage> warm = sc.parallelize(images.subList(0, warmExamples), workers);
            EpochPlan w = EpochPlan.of(warm, warmExamples, 1, 0, batch, workers, frequency);
            trainer.fitEpoch(w, batches, "warm-up");
            w.release();

            EpochPlan plan = EpochPlan.of(rdd, examples, 1, 1, batch, workers, frequency);
            RoundTimings timings = new RoundTimings("benchmark " + args[2]);
            sc.sc().addSparkListener(timings);
            FitTimeHook fitTime = new FitTimeHook(sc.sc().longAccumulator("fit nanoseconds"), sc.sc().longAccumulator("fits"));
            trainer.addTrainingHook(fitTime);
            ParameterAveragingTrainer.EpochResult r = trainer.fitEpoch(plan, batches, "benchmark " + args[2]);
            plan.release();
            sc.sc().listenerBus().waitUntilEmpty();
            System.out.println("round timing " + args[2] + " " + timings.summary(fitTime.fitSeconds(), fitTime.fits()));
            long stepsPerWorker = (long) Math.ceil(examples / (double) batch / workers);
            double overhead = (r.seconds() - stepsPerWorker * step) / plan.rounds();
            String line = String.format(Locale.ROOT, "%s\t%s\t%d\t%d\t%.1f\t%.2f\t%d\t%.3f\t%.2f\t%.3f\t%.2f",
                    args[2], sc.master(), workers, r.examples(), r.seconds(), r.examplesPerSecond(), plan.rounds(), step, overhead,
                    Math.max(concurrent[0], concurrent[1]), ceiling);
            System.out.println(HEADER);
            System.out.println(line);
            Files.writeString(Paths.get(args[1]), line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } finally {
            spark.stop();
        }
    }

    /** The LMN starts from the LAES of the benchmark's sequences (the random schemes diverge at T = 784). */
    static ModelFactory factory(String model, JavaRDD<LabeledImage> images, Batches batches) {
        Hyperparameters hyper = new Hyperparameters(1e-3, 1e-5, 10);
        return switch (model) {
            case "lmn" -> {
                LaesModel laes = FinetuneStart.laesOf(images, batches, 128, new Stages(JavaSparkContext.fromSparkContext(images.context())));
                yield new LmnClassifier(1, 128, hyper, seed -> LmnInitializer.laes(laes.a(), laes.b(), laes.mu()));
            }
            case "lstm" -> new LstmClassifier(1, 128, MnistImages.CLASSES, hyper);
            default -> throw new IllegalArgumentException("MODEL " + model + ": expected lmn or lstm");
        };
    }

    /** The first {@code n} training images of the MNIST directory. */
    static List<LabeledImage> images(String mnistDir, int n, JavaSparkContext sc) {
        MnistImages train = MnistImages.read(new Path(mnistDir), "train", sc.hadoopConfiguration());
        List<LabeledImage> images = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            images.add(new LabeledImage(i, train.label(i), train.pixels(i)));
        }
        return images;
    }

    /**
     * The same median step time measured in two threads at once (two networks, the driver's two cores busy):
     * {@code 2 * alone / together} is the speed-up this machine allows two workers before any Spark overhead.
     */
    static double[] concurrentStepSeconds(ModelFactory factory, Batches batches, List<LabeledImage> images, int batch) {
        double[] out = new double[2];
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int k = i;
            threads[i] = new Thread(() -> out[k] = stepSeconds(factory, batches, images, batch), "bench-step-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** Median time of one single-machine minibatch step in this JVM, after two warm-up steps. */
    static double stepSeconds(ModelFactory factory, Batches batches, List<LabeledImage> images, int batch) {
        MultiLayerNetwork local = factory.create(1);
        double[] t = new double[5];
        for (int i = -2; i < t.length; i++) {
            int from = Math.floorMod(i, images.size() / batch) * batch;
            DataSet ds = batches.dataSet(images.subList(from, from + batch));
            long start = System.nanoTime();
            local.fit(ds);
            if (i >= 0) {
                t[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }
}
