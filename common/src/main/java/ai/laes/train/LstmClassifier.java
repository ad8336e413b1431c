package ai.laes.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The LSTM baseline: LSTM(k -> hidden, tanh), its last step, a softmax output trained with cross-entropy; float32. */
public final class LstmClassifier implements ModelFactory {
    private final int inputs;
    private final int hidden;
    private final int classes;
    private final Hyperparameters hyper;

    public LstmClassifier(int inputs, int hidden, int classes, Hyperparameters hyper) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.classes = classes;
        this.hyper = hyper;
    }

    @Override
    public MultiLayerNetwork create(long seed) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER);
        MultiLayerConfiguration conf = hyper.configure(b).list()
                .layer(new LastTimeStep(new LSTM.Builder().nIn(inputs).nOut(hidden).activation(Activation.TANH).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(hidden).nOut(classes).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(inputs))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
