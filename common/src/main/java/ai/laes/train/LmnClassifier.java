package ai.laes.train;

import java.util.function.LongFunction;

import ai.laes.lmn.init.LmnInitializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The LMN classifier of {@link RecurrentClassifiers} (functional size = memory size), trained with the same
 * hyperparameters as the LSTM baseline and initialised by one of the schemes of docs/laes-math.md
 * section 3, chosen per seed.
 */
public final class LmnClassifier implements ModelFactory {
    private final int inputs;
    private final int size;
    private final int classes;
    private final Hyperparameters hyper;
    private final LongFunction<LmnInitializer> scheme;

    /** An LMN classifier of MNIST's ten digits. */
    public LmnClassifier(int inputs, int size, Hyperparameters hyper, LongFunction<LmnInitializer> scheme) {
        this(inputs, size, 10, hyper, scheme);
    }

    /** An LMN classifier of {@code inputs} features per step into {@code classes} classes, initialised by {@code scheme}. */
    public LmnClassifier(int inputs, int size, int classes, Hyperparameters hyper, LongFunction<LmnInitializer> scheme) {
        this.inputs = inputs;
        this.size = size;
        this.classes = classes;
        this.hyper = hyper;
        this.scheme = scheme;
    }

    @Override
    public MultiLayerNetwork create(long seed) {
        MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(hyper.settings(inputs, size, classes, seed));
        scheme.apply(seed).initialise(net, 0);
        return net;
    }

    @Override
    public StateGradientProbe probe() {
        return new LmnStateProbe();
    }
}
