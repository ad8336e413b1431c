package ai.laes.train.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import ai.laes.data.SequenceTask;
import ai.laes.data.SequenceView;
import ai.laes.spark.TestData;
import ai.laes.train.Batches;
import ai.laes.train.EpochPlan;
import ai.laes.train.Hyperparameters;
import ai.laes.train.LstmClassifier;
import ai.laes.train.ModelFactory;
import ai.laes.train.ParameterAveragingTrainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Fine-tuning throughput on real MNIST with the LSTM baseline: the same data and model trained one
 * epoch with one worker on local[1] and with two workers on local[2], in this process. Prints
 * examples/second of each, their ratio, the single-machine time of one minibatch step, and the
 * per-round overhead (epoch time minus the minibatch steps one worker does, per averaging round).
 *
 * <p>Arguments (all optional): examples [1280], steps T [784], hidden [128], batch [64], frequency [5],
 * model [lstm | lmn (orthogonal initialisation)].
 */
public final class FinetuneBenchmark {
    private FinetuneBenchmark() {
    }

    public static void main(String[] args) {
        int examples = args.length > 0 ? Integer.parseInt(args[0]) : 1280;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 784;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        int frequency = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        MnistImages train = MnistImages.read(new org.apache.hadoop.fs.Path(TestData.mnistDir().toUri()), "train", new Configuration());
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 0; i < examples; i++) {
            images.add(new LabeledImage(i, train.label(i), train.pixels(i)));
        }
        Batches batches = new Batches(SequenceView.of(SequenceTask.SMNIST, null, null), steps == 784 ? 0 : steps);
        Hyperparameters hyper = new Hyperparameters(1e-3, 1e-5, 10);
        boolean lmn = args.length > 5 && args[5].equals("lmn");
        ModelFactory factory = lmn ? new ai.laes.train.LmnClassifier(1, hidden, hyper, ai.laes.lmn.init.LmnInitializer::orthogonal)
                : new LstmClassifier(1, hidden, 10, hyper);
        System.out.printf(Locale.ROOT, (lmn ? "LMN" : "LSTM") + " hidden %d, T = %d, %d examples, batch %d, averaging every %d minibatches%n",
                hidden, steps, examples, batch, frequency);

        double[] rate = new double[3];
        for (int workers = 1; workers <= 2; workers++) {
            double step = stepSeconds(factory, batches, images, batch);
            System.out.printf(Locale.ROOT, "single machine, just before: %.3f s per minibatch step (median of 5)%n", step);
            SparkSession spark = SparkSession.builder().master("local[" + workers + "]").appName("finetune-bench")
                    .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
            try {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                JavaRDD<LabeledImage> rdd = sc.parallelize(images, 4).cache();
                rdd.count();
                ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(sc, factory.create(1), workers, batch, frequency, 1);
                // Warm-up epoch on a tenth of the data (JIT, native libraries on the executor threads).
                JavaRDD<LabeledImage> warm = sc.parallelize(images.subList(0, Math.max(batch * workers, examples / 10)), 2);
                EpochPlan w = EpochPlan.of(warm, warm.count(), 1, 0, batch, workers, 1);
                trainer.fitEpoch(w, batches, "warm-up");
                w.release();
                EpochPlan plan = EpochPlan.of(rdd, examples, 1, 1, batch, workers, frequency);
                ParameterAveragingTrainer.EpochResult r = trainer.fitEpoch(plan, batches, "benchmark local[" + workers + "]");
                plan.release();
                rate[workers] = r.examplesPerSecond();
                long perWorkerSteps = (long) Math.ceil(examples / (double) batch / workers);
                double overhead = (r.seconds() - perWorkerSteps * step) / plan.rounds();
                System.out.printf(Locale.ROOT, "local[%d], %d worker(s): %.1f s, %.1f examples/s, %d rounds, overhead %.2f s per round%n",
                        workers, workers, r.seconds(), r.examplesPerSecond(), plan.rounds(), overhead);
            } finally {
                spark.stop();
            }
        }
        System.out.printf(Locale.ROOT, "speed-up local[2] / local[1]: %.2fx (target >= 1.7x on two executors)%n", rate[2] / rate[1]);
    }

    /** Median time of one single-machine minibatch step, after two warm-up steps. */
    static double stepSeconds(ModelFactory factory, Batches batches, List<LabeledImage> images, int batch) {
        MultiLayerNetwork local = factory.create(1);
        double[] t = new double[5];
        for (int i = -2; i < t.length; i++) {
            int from = Math.floorMod(i, images.size() / batch) * batch;
            org.nd4j.linalg.dataset.DataSet ds = batches.dataSet(images.subList(from, from + batch));
            long start = System.nanoTime();
            local.fit(ds);
            if (i >= 0) {
                t[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }
}
