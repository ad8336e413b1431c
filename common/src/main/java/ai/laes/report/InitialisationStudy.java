package ai.laes.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.laes.data.LabeledImage;
import ai.laes.train.Batches;
import ai.laes.train.Evaluator;
import ai.laes.train.LeastSquaresReadout;
import ai.laes.data.SequenceView;
import ai.laes.laes.LaesModel;
import ai.laes.train.RecurrentClassifiers;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.spark.Stages;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The LMN classifier (hidden = memory = p) under the LAES, orthogonal and random initialisations, and the
 * LSTM baseline (hidden p): each gets the least-squares readout of its final state as output layer
 * ({@link LeastSquaresReadout}); then its test accuracy, and for the LMNs the mean per-step norm of dL/dm_t on a
 * probe batch of training sequences ({@link MemoryGradients}), i.e. at the start of fine-tuning.
 */
public final class InitialisationStudy {
    public static final String LMN_LAES = "lmn-laes";
    public static final String LMN_ORTHOGONAL = "lmn-orthogonal";
    public static final String LMN_RANDOM = "lmn-random";
    public static final String LSTM = "lstm";

    /** One model's result; {@code gradientNorms} is null for the LSTM; {@code network} is the initialised classifier with its readout. */
    public record Outcome(String model, double accuracy, double[] gradientNorms, MultiLayerNetwork network) {
    }

    private InitialisationStudy() {
    }

    public static List<Outcome> run(LaesModel laes, JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> test,
            List<LabeledImage> probe, SequenceView view, long seed, Stages stages, JavaSparkContext sc) {
        int p = laes.memorySize();
        RecurrentClassifiers.Settings settings = RecurrentClassifiers.Settings.reference();
        settings.hidden = p;
        settings.memory = p;
        settings.seed = seed;
        Map<String, LmnInitializer> schemes = new LinkedHashMap<>();
        schemes.put(LMN_LAES, LmnInitializer.laes(laes.a(), laes.b(), laes.mu()));
        schemes.put(LMN_ORTHOGONAL, LmnInitializer.orthogonal(seed));
        schemes.put(LMN_RANDOM, LmnInitializer.random(seed));
        int[] labels = probe.stream().mapToInt(LabeledImage::label).toArray();
        List<Outcome> out = new ArrayList<>();
        schemes.forEach((name, init) -> {
            MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(settings);
            init.initialise(net, 0);
            double accuracy = stages.run("report: readout " + name, () -> readoutAccuracy(net, train, test, view, sc));
            double[] norms = stages.run("report: gradient probe " + name,
                    () -> MemoryGradients.of(net).meanNorms(view.features(probe, DataType.DOUBLE), labels));
            out.add(new Outcome(name, accuracy, norms, net));
            FinetuneStudy.releaseNativeMemory();
        });
        MultiLayerNetwork lstm = RecurrentClassifiers.lstmClassifier(settings);
        out.add(new Outcome(LSTM, stages.run("report: readout " + LSTM,
                () -> readoutAccuracy(lstm, train, test, view, sc)), null, lstm));
        return out;
    }

    /** Fits the least-squares readout of {@code net}'s final states on {@code train}; its accuracy on {@code test}. */
    static double readoutAccuracy(MultiLayerNetwork net, JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> test,
            SequenceView view, JavaSparkContext sc) {
        Batches batches = new Batches(view, 0);
        LeastSquaresReadout.fit(sc, net, train, batches);
        return Evaluator.evaluate(sc, net, test, batches, LeastSquaresReadout.BATCH).accuracy();
    }
}
