package ai.laes.train;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import ai.laes.data.SequenceExample;
import ai.laes.readout.RidgeReadout;
import ai.laes.readout.SoftmaxTemperature;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * The readout of docs/laes-math.md, "Initialising the LMN from the LAES" for any initialised classifier (recurrent layer with
 * LastTimeStep, then the output layer): a ridge least-squares fit, with bias, of the network's own
 * final recurrent states onto one-hot labels, accumulated on the executors (sums of m m^T and
 * m y^T) and set as the output layer's W and b. Every initialiser gets it, so comparisons are fair.
 */
public final class LeastSquaresReadout {
    /** Index of the output layer in the classifiers of {@code RecurrentClassifiers}. */
    static final int OUTPUT = 1;
    /**
     * Sequences per inference pass on the executors, here and in every evaluation (readout fitting,
     * validation, test): the LMN forward without a tape costs per example, measured by
     * {@code ai.laes.train.bench.InferenceBatchBenchmark} (one thread, float, T 784, size 128, thread CPU
     * time, 5 round-robin repetitions, 2-core Xeon shared with other processes), 1.17 ms at batch 64,
     * 0.99 at 128, 0.92 at 256, 0.92 at 512, 0.93 at 1024: 0.78x of batch 64 from 256 on, flat
     * beyond. 256 takes that gain with the smallest output buffer (b T nM floats: 103 MB at size 128;
     * 512 would double it for nothing). Results equal those of batch 64 to float rounding (tested).
     */
    public static final int BATCH = 256;

    private LeastSquaresReadout() {
    }

    /** Examples on which the softmax temperature of the readout is fitted. */
    static final int TEMPERATURE_SAMPLE = 5000;

    /**
     * Fits the readout on {@code train} and writes it, scaled by its softmax temperature
     * ({@link SoftmaxTemperature}: same predictions, calibrated probabilities), into {@code net}'s
     * output layer; returns the unscaled readout.
     */
    public static RidgeReadout fit(JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<? extends SequenceExample> train,
            Batches batches) {
        RidgeReadout readout;
        double temperature;
        try (NetworkBroadcast shipped = NetworkBroadcast.of(sc, net)) {
            int size = (int) net.getLayer(OUTPUT).getParam("W").size(0);
            JavaRDD<Tuple2<double[], Integer>> states = finalStates(train, batches, shipped, BATCH)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                readout = RidgeReadout.fit(states, batches.classes(), size, RidgeReadout.DEFAULT_RIDGE);
                temperature = SoftmaxTemperature.fit(readout, states.takeSample(false, TEMPERATURE_SAMPLE, 42));
            } finally {
                states.unpersist(false);
            }
        }
        apply(net, readout, temperature);
        return readout;
    }

    /**
     * (final state of the recurrent layer, label) of every sequence, computed on the executors in batches of
     * {@code batchSize}, end-aligned and masked when their lengths differ ({@link Batches}).
     */
    static JavaRDD<Tuple2<double[], Integer>> finalStates(JavaRDD<? extends SequenceExample> examples, Batches batches,
            NetworkBroadcast shipped, int batchSize) {
        return examples.mapPartitions(it -> shipped.apply(copy -> {
            MultiLayerNetwork recurrent = finalStateNetwork(copy);
            List<Tuple2<double[], Integer>> out = new ArrayList<>();
            List<SequenceExample> batch = new ArrayList<>(batchSize);
            while (it.hasNext()) {
                batch.add(it.next());
                if (batch.size() == batchSize || !it.hasNext()) {
                    INDArray mask = batches.mask(batch);
                    INDArray states;
                    if (mask == null) {
                        states = recurrent.output(batches.features(batch), false);
                    } else {
                        states = recurrent.output(batches.features(batch), false, mask, null);
                        recurrent.clearLayerMaskArrays(); // DL4J M2 keeps the mask on the layers after the call
                    }
                    double[][] rows = states.castTo(DataType.DOUBLE).toDoubleMatrix();
                    for (int i = 0; i < rows.length; i++) {
                        out.add(new Tuple2<>(rows[i], batch.get(i).label()));
                    }
                    batch.clear();
                }
            }
            return out.iterator();
        }));
    }

    /**
     * {@code net} with an identity layer in place of its output layer, whose {@code output} is the final
     * recurrent state [b, size]. Works around DL4J's allocation of the last layer's activations outside
     * any workspace ({@code feedForwardToLayer} does so for every layer, {@code output} for the last): with
     * the LMN (under LastTimeStep) last, its [T, b, size] sequence (103 MB at batch 256, T 784, size 128)
     * was allocated natively for every batch, which took over half of the pretraining's readout (stack
     * samples on local[1], AMD EPYC). Followed by a layer, it lives in DL4J's reused workspace, and only
     * the identity layer's [b, size] is allocated.
     */
    static MultiLayerNetwork finalStateNetwork(MultiLayerNetwork net) {
        return new TransferLearning.Builder(net).fineTuneConfiguration(new FineTuneConfiguration.Builder().build())
                .removeOutputLayer().addLayer(new ActivationLayer.Builder().activation(Activation.IDENTITY).build()).build();
    }

    /** Sets the output layer's W (DL4J stores W^T, [d, classes]) and b to {@code readout} times {@code temperature}. */
    public static void apply(MultiLayerNetwork net, RidgeReadout readout, double temperature) {
        org.deeplearning4j.nn.api.Layer output = net.getLayer(OUTPUT);
        INDArray w = output.getParam("W");
        INDArray b = output.getParam("b");
        w.assign(Nd4j.create(readout.weights()).transpose().mul(temperature).castTo(w.dataType()));
        b.assign(Nd4j.create(readout.bias(), new long[] {1, readout.numClasses()}).mul(temperature).castTo(b.dataType()));
    }
}
