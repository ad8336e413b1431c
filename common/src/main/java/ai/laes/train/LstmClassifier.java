package ai.laes.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

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
        return RecurrentClassifiers.lstmClassifier(hyper.settings(inputs, hidden, classes, seed));
    }
}
