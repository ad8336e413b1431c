package ai.laes.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import ai.laes.data.SequenceExample;
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
        private final Evaluation evaluation;

        /** An empty result over {@code classes} classes. */
        public Result(int classes) {
            evaluation = new Evaluation(classes);
        }

        /** Adds a minibatch of examples as {@code net} classifies them. */
        Result add(List<? extends SequenceExample> batch, MultiLayerNetwork net, Batches batches) {
            return add(batches.labels(batch), CrossEntropy.logits(net, batches.features(batch), batches.mask(batch)));
        }

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

    /**
     * Evaluates {@code net} on {@code examples}, batches of {@code batchSize} built on the executors (end-aligned and
     * masked when their lengths differ, {@link Batches}).
     */
    public static Result evaluate(JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<? extends SequenceExample> examples,
                                  Batches batches, int batchSize) {
        try (NetworkBroadcast shipped = NetworkBroadcast.of(sc, net)) {
            return examples.mapPartitions(it -> {
                Result r = shipped.apply(copy -> {
                    Result part = new Result(batches.classes());
                    List<SequenceExample> batch = new ArrayList<>(batchSize);
                    while (it.hasNext()) {
                        batch.add(it.next());
                        if (batch.size() == batchSize || !it.hasNext()) {
                            part.add(batch, copy, batches);
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
    public static Result evaluateLocally(MultiLayerNetwork net, List<? extends SequenceExample> examples, Batches batches,
                                         int batchSize) {
        Result r = new Result(batches.classes());
        for (int from = 0; from < examples.size(); from += batchSize) {
            r.add(examples.subList(from, Math.min(examples.size(), from + batchSize)), net, batches);
        }
        return r;
    }
}
