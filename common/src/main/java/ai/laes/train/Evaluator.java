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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Distributed evaluation of a classifier: the network goes to the executors as a
 * {@link NetworkBroadcast} copy, each partition sums the cross-entropy -log softmax(z)_label of every example from
 * its logits z ({@link CrossEntropy}: exact in double, not DL4J's score, which clips probabilities at 1e-10) and
 * fills an {@link Evaluation} with softmax(z), and the partial results are merged on the driver. The loss is the
 * reference's mean cross-entropy, without the regularisation terms.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /** Loss sum, example count and confusion counts of one part of a split, mergeable. */
    public static final class Result implements Serializable {
        private static final long serialVersionUID = 1L;
        private double lossSum;
        private long count;
        private final Evaluation evaluation = new Evaluation(MnistImages.CLASSES);

        /** Adds a minibatch: one-hot {@code labels} [b, C] and the network's logits [b, C]. */
        Result add(INDArray labels, double[][] logits) {
            double[][] y = labels.castTo(DataType.DOUBLE).toDoubleMatrix();
            double[][] p = new double[logits.length][];
            for (int i = 0; i < logits.length; i++) {
                lossSum += CrossEntropy.loss(logits[i], argMax(y[i]));
                p[i] = CrossEntropy.probabilities(logits[i]);
            }
            count += logits.length;
            evaluation.eval(labels.castTo(DataType.DOUBLE), Nd4j.createFromArray(p));
            return this;
        }

        private static int argMax(double[] v) {
            int best = 0;
            for (int c = 1; c < v.length; c++) {
                if (v[c] > v[best]) {
                    best = c;
                }
            }
            return best;
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
                            part.add(batches.labels(batch), CrossEntropy.logits(copy, batches.features(batch)));
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
            r.add(batches.labels(batch), CrossEntropy.logits(net, batches.features(batch)));
        }
        return r;
    }
}
