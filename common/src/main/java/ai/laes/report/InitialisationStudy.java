package ai.laes.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.laes.data.SequenceExample;
import ai.laes.train.Batches;
import ai.laes.train.Evaluator;
import ai.laes.train.LeastSquaresReadout;
import ai.laes.laes.LaesModel;
import ai.laes.train.RecurrentClassifiers;
import ai.laes.lmn.init.LmnInitializer;
import ai.laes.spark.Stages;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The LMN classifier (hidden = memory = p) under the LAES, orthogonal and random initialisations, and the
 * LSTM baseline (hidden p): each gets the least-squares readout of its final state as output layer
 * ({@link LeastSquaresReadout}); then its test accuracy. The LMN baselines and the LSTM are drawn as the reference
 * draws them ({@link LmnInitializer#orthogonal}, {@link LmnInitializer#random}, {@link RecurrentClassifiers#lstmClassifier}).
 * The gradient probe of claim (2) runs during fine-tuning ({@link FinetuneStudy}), on the network it starts from.
 */
public final class InitialisationStudy {
    public static final String LMN_LAES = "lmn-laes";
    public static final String LMN_ORTHOGONAL = "lmn-orthogonal";
    public static final String LMN_RANDOM = "lmn-random";
    public static final String LSTM = "lstm";

    /** One model's result; {@code network} is the initialised classifier with its least-squares readout. */
    public record Outcome(String model, double accuracy, MultiLayerNetwork network) {
        /** True for the LMNs, whose memory gradients the report probes. */
        public boolean isLmn() {
            return !LSTM.equals(model);
        }
    }

    private InitialisationStudy() {
    }

    public static List<Outcome> run(LaesModel laes, JavaRDD<? extends SequenceExample> train,
            JavaRDD<? extends SequenceExample> test, Batches batches, long seed, Stages stages, JavaSparkContext sc) {
        int p = laes.memorySize();
        RecurrentClassifiers.Settings settings = RecurrentClassifiers.Settings.reference();
        settings.hidden = p;
        settings.memory = p;
        settings.seed = seed;
        Map<String, LmnInitializer> schemes = new LinkedHashMap<>();
        schemes.put(LMN_LAES, LmnInitializer.laes(laes.a(), laes.b(), laes.mu()));
        schemes.put(LMN_ORTHOGONAL, LmnInitializer.orthogonal(seed));
        schemes.put(LMN_RANDOM, LmnInitializer.random(seed));
        List<Outcome> out = new ArrayList<>();
        schemes.forEach((name, init) -> {
            MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(settings);
            init.initialise(net, 0);
            double accuracy = stages.run("report: readout " + name, () -> readoutAccuracy(net, train, test, batches, sc));
            out.add(new Outcome(name, accuracy, net));
            FinetuneStudy.releaseNativeMemory();
        });
        MultiLayerNetwork lstm = RecurrentClassifiers.lstmClassifier(settings);
        out.add(new Outcome(LSTM, stages.run("report: readout " + LSTM,
                () -> readoutAccuracy(lstm, train, test, batches, sc)), lstm));
        return out;
    }

    /** Fits the least-squares readout of {@code net}'s final states on {@code train}; its accuracy on {@code test}. */
    static double readoutAccuracy(MultiLayerNetwork net, JavaRDD<? extends SequenceExample> train,
            JavaRDD<? extends SequenceExample> test, Batches batches, JavaSparkContext sc) {
        LeastSquaresReadout.fit(sc, net, train, batches);
        return Evaluator.evaluate(sc, net, test, batches, LeastSquaresReadout.BATCH).accuracy();
    }
}
