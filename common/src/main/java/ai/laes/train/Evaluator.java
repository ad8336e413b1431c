package ai.laes.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistImages;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Distributed evaluation of a classifier: the network goes to the executors as a
 * {@link NetworkBroadcast} copy, each partition sums the cross-entropy -log p(label) and fills an
 * {@link Evaluation}, and the partial results are merged on the driver. Probabilities are clipped
 * at 1e-10 as DL4J's MCXENT loss does with a softmax output, so the loss matches its score
 * (without the regularisation term).
 */
public final class Evaluator {
    /** DL4J's LossMCXENT softmax clipping epsilon. */
    static final double CLIP = 1e-10;

    private Evaluator() {
    }

    /** Loss sum, example count and confusion counts of one part of a split, mergeable. */
    public static final class Result implements Serializable {
        private static final long serialVersionUID = 1L;
        private double lossSum;
        private long count;
        private final Evaluation evaluation = new Evaluation(MnistImages.CLASSES);

        Result add(INDArray labels, INDArray probabilities) {
            INDArray p = probabilities.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            INDArray y = labels.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            for (int i = 0; i < p.rows(); i++) {
                int label = y.getRow(i).argMax().getInt(0);
                lossSum -= Math.log(Math.max(p.getDouble(i, label), CLIP));
            }
            count += p.rows();
            evaluation.eval(labels, probabilities);
            return this;
        }

        Result merge(Result other) {
            lossSum += other.lossSum;
            count += other.count;
            evaluation.merge(other.evaluation);
            return this;
        }

        /** Mean cross-entropy per example. */
        public double loss() {
            return lossSum / count;
        }

        public double accuracy() {
            return evaluation.accuracy();
        }

        public long count() {
            return count;
        }

        public Evaluation evaluation() {
            return evaluation;
        }
    }

    /** Evaluates {@code net} on {@code images}, batches of {@code batchSize} built on the executors. */
    public static Result evaluate(JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<LabeledImage> images,
                                  Batches batches, int batchSize) {
        try (NetworkBroadcast shipped = NetworkBroadcast.of(sc, net)) {
            return images.mapPartitions((Iterator<LabeledImage> it) -> {
                Result r = shipped.apply(copy -> {
                    Result part = new Result();
                    List<LabeledImage> batch = new ArrayList<>(batchSize);
                    while (it.hasNext()) {
                        batch.add(it.next());
                        if (batch.size() == batchSize || !it.hasNext()) {
                            part.add(batches.labels(batch), copy.output(batches.features(batch), false));
                            batch.clear();
                        }
                    }
                    return part;
                });
                return Collections.singletonList(r).iterator();
            }).reduce(Result::merge);
        }
    }

    /** The same evaluation on the driver, for small inputs and tests. */
    public static Result evaluateLocally(MultiLayerNetwork net, List<LabeledImage> images, Batches batches, int batchSize) {
        Result r = new Result();
        for (int from = 0; from < images.size(); from += batchSize) {
            List<LabeledImage> batch = images.subList(from, Math.min(images.size(), from + batchSize));
            r.add(batches.labels(batch), net.output(batches.features(batch), false));
        }
        return r;
    }
}
