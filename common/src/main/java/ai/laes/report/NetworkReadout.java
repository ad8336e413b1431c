package ai.laes.report;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import ai.laes.data.LabeledImage;
import ai.laes.data.SequenceView;
import ai.laes.readout.RidgeReadout;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * The least-squares readout of a sequence classifier's final recurrent state (layer 0's output, i.e. the
 * LastTimeStep of the memory or LSTM), computed by the network's own feed-forward on the executors; the
 * readout is then written into the output layer (W_o, b_o), so the network classifies with it.
 */
public final class NetworkReadout {
    /** Sequences per feed-forward batch on an executor. */
    public static final int BATCH = 64;

    private NetworkReadout() {
    }

    /** Fits the readout on {@code train}, sets it as the network's output layer, returns the accuracy on {@code test}. */
    public static double fitAndScore(MultiLayerNetwork net, JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> test,
            SequenceView view, JavaSparkContext sc) {
        Broadcast<byte[]> model = sc.broadcast(bytes(net));
        JavaRDD<Tuple2<double[], Integer>> states = finalStates(train, view, model).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            RidgeReadout readout = RidgeReadout.fit(states, 10);
            setOutputLayer(net, readout);
            return readout.accuracy(finalStates(test, view, model));
        } finally {
            states.unpersist(false);
            model.destroy();
        }
    }

    /** (final state, label) per image, in batches of {@link #BATCH} through a copy of the network. */
    static JavaRDD<Tuple2<double[], Integer>> finalStates(JavaRDD<LabeledImage> images, SequenceView view,
            Broadcast<byte[]> model) {
        return images.mapPartitions(it -> {
            MultiLayerNetwork net = restore(model.value());
            List<Tuple2<double[], Integer>> out = new ArrayList<>();
            List<LabeledImage> batch = new ArrayList<>(BATCH);
            while (it.hasNext()) {
                batch.add(it.next());
                if (batch.size() == BATCH || !it.hasNext()) {
                    INDArray x = view.features(batch, net.getLayerWiseConfigurations().getDataType());
                    INDArray state = net.feedForwardToLayer(0, x).get(1);
                    double[][] rows = state.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
                    for (int i = 0; i < rows.length; i++) {
                        out.add(new Tuple2<>(rows[i], batch.get(i).label()));
                    }
                    batch.clear();
                }
            }
            return out.iterator();
        });
    }

    /** W_o := W^T ([size x classes] in DL4J's row-vector layout), b_o := b. */
    static void setOutputLayer(MultiLayerNetwork net, RidgeReadout readout) {
        org.deeplearning4j.nn.api.Layer output = net.getLayer(1);
        INDArray w = output.getParam("W");
        INDArray b = output.getParam("b");
        w.assign(Nd4j.create(readout.weights()).transpose().castTo(w.dataType()));
        b.assign(Nd4j.create(readout.bias(), new long[] {1, readout.numClasses()}).castTo(b.dataType()));
    }

    static byte[] bytes(MultiLayerNetwork net) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ModelSerializer.writeModel(net, out, false);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("serialising the network: " + e.getMessage(), e);
        }
    }

    static MultiLayerNetwork restore(byte[] bytes) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
        } catch (IOException e) {
            throw new UncheckedIOException("restoring the network: " + e.getMessage(), e);
        }
    }
}
