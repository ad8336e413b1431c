package ai.laes.train;

import ai.laes.io.InputException;
import ai.laes.lmn.LinearMemoryLayer;
import ai.laes.lstm.LstmLayer;
import ai.laes.lstm.LstmReferenceInit;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Sequence classifiers of docs/laes-math.md, "Initialising the LMN from the LAES", the LMN and the LSTM baseline alike: recurrent layer -> LastTimeStep
 * -> softmax OutputLayer (cross-entropy, scored exactly: {@link SoftmaxCrossEntropyLoss}). The reference setup is Adam(1e-3), weight decay 1e-5, clipping at 10. It builds
 * both layers, so it sits above both ({@code ai.laes.lmn}, {@code ai.laes.lstm}), which then need not know each other.
 * <ul>
 *   <li>Weight decay is PyTorch's Adam weight_decay, i.e. an L2 term added to the gradient of every
 *       parameter before Adam: DL4J {@code l2} and {@code l2Bias} (not DL4J's decoupled weightDecay).</li>
 *   <li>The reference clips the total gradient norm of the whole network at 10; DL4J has no global
 *       clipping, so {@link GradientNormalization#ClipL2PerLayer} clips each layer's gradient norm at
 *       the threshold (the same whenever one layer dominates the norm, stricter otherwise).</li>
 * </ul>
 */
public final class RecurrentClassifiers {

    /** Training settings shared by the LMN and the LSTM baseline. */
    public static final class Settings {
        public int nIn = 1;
        public int hidden = 128;
        public int memory = 128;
        public int classes = 10;
        public double learningRate = 1e-3;
        public double weightDecay = 1e-5;
        public double clipNorm = 10.0;
        public double orthogonalityPenalty = 0.0;
        /** Probability that a step's m_{t-1} feeding the functional component is detached in backpropagation (seeded by {@link #seed}). */
        public double detachProbability = 0.0;
        public DataType dataType = DataType.FLOAT;
        public long seed = 42;

        public static Settings reference() {
            return new Settings();
        }

        void validate() {
            if (nIn <= 0 || hidden <= 0 || memory <= 0 || classes < 2) {
                throw new InputException("RecurrentClassifiers settings: sizes must be positive and classes >= 2, got nIn="
                        + nIn + " hidden=" + hidden + " memory=" + memory + " classes=" + classes);
            }
            if (!(learningRate > 0) || weightDecay < 0 || clipNorm < 0) {
                throw new InputException("RecurrentClassifiers settings: need learningRate > 0, weightDecay >= 0, clipNorm >= 0, got "
                        + learningRate + ", " + weightDecay + ", " + clipNorm);
            }
        }
    }

    private RecurrentClassifiers() {
    }

    /** LinearMemoryLayer(nIn -> hidden, memory) -> LastTimeStep -> softmax output. Initialised. */
    public static MultiLayerNetwork lmnClassifier(Settings s) {
        s.validate();
        return classifier(s, new LinearMemoryLayer.Builder().nIn(s.nIn).nH(s.hidden).nM(s.memory)
                .orthogonalityPenalty(s.orthogonalityPenalty).detach(s.detachProbability, s.seed).build(), s.memory);
    }

    /**
     * LSTM(nIn -> hidden) -> LastTimeStep -> softmax output, the same head and training settings, its LSTM drawn as
     * the reference's baseline ({@link LstmReferenceInit}: every parameter 0.01 N(0, 1), forget bias 1) from
     * {@code s.seed}. The LSTM is our {@link LstmLayer}: DL4J's LSTM mathematics and parameter layout (tested equal to
     * it in double); at sMNIST size a fit step takes 0.72 s of thread CPU against DL4J LSTM's 2.59 s (LMN 0.31 s),
     * LmnBenchmark 3 1 lstm on the shared 2-core machine.
     */
    public static MultiLayerNetwork lstmClassifier(Settings s) {
        s.validate();
        MultiLayerNetwork net = classifier(s, new LstmLayer.Builder().nIn(s.nIn).nOut(s.hidden)
                .forgetGateBiasInit(LstmReferenceInit.FORGET_BIAS).build(), s.hidden);
        LstmReferenceInit.initialise(net, 0, s.seed);
        return net;
    }

    /** Any recurrent layer (nIn -> size) under the same head and settings. Initialised. */
    public static MultiLayerNetwork classifier(Settings s, Layer recurrent, int size) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(s.seed)
                .dataType(s.dataType)
                .updater(new Adam(s.learningRate))
                .weightInit(WeightInit.XAVIER)
                .l2(s.weightDecay)
                .l2Bias(s.weightDecay);
        if (s.clipNorm > 0) {
            b.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(s.clipNorm);
        }
        MultiLayerConfiguration conf = b.list()
                .layer(new LastTimeStep(recurrent))
                .layer(new OutputLayer.Builder(new SoftmaxCrossEntropyLoss()).activation(Activation.SOFTMAX)
                        .nIn(size).nOut(s.classes).build())
                .setInputType(InputType.recurrent(s.nIn))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
