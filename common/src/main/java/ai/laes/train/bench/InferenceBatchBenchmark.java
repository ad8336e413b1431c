package ai.laes.train.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

import ai.laes.lmn.LinearMemoryParamInitializer;
import ai.laes.train.RecurrentClassifiers;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Milliseconds per example of the LMN classifier's inference ({@code output}: the layer's forward pass
 * without a tape, last step, softmax readout) at several batch sizes in one process, float, sequential-MNIST
 * shape (T 784, input 1, size 128), and each size's ratio to batch 64: the measurement from which
 * {@code LeastSquaresReadout.BATCH} (readout fitting and every evaluation) is chosen. The sizes are timed
 * round robin, so drift in the machine's load touches all alike; figures are the main thread's CPU time
 * (with OMP_NUM_THREADS=1 all work runs on it) and wall time, medians over the repetitions.
 * Arguments: [timed repetitions (default 5)] [warm-up repetitions (default 1)] [batch sizes (default 64,128,256,512,1024)].
 * Peak memory is the largest batch's output, b T 128 floats (1024: 411 MB), in ND4J's workspace.
 * Each size is timed twice: the network as initialised (Xavier weights: the layer's general route, three
 * step products) and the same network with Wmh = 0 and Whm = I, the structure of the LAES start
 * (docs/laes-math.md, "Initialising the LMN from the LAES"), which takes the layer's memory-free route (one step product; the pretraining's
 * readout and every evaluation at the LAES start).
 */
public final class InferenceBatchBenchmark {
    private static final int T = 784, N_IN = 1, P = 128;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private InferenceBatchBenchmark() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int[] sizes = Arrays.stream((args.length > 2 ? args[2] : "64,128,256,512,1024").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.nIn = N_IN;
        s.hidden = P;
        s.memory = P;
        MultiLayerNetwork net = RecurrentClassifiers.lmnClassifier(s);
        MultiLayerNetwork laesStart = net.clone();
        laesStart.getLayer(0).getParam(LinearMemoryParamInitializer.W_MH).assign(0);
        laesStart.getLayer(0).getParam(LinearMemoryParamInitializer.W_HM).assign(Nd4j.eye(P));
        MultiLayerNetwork[] nets = {net, laesStart};
        Nd4j.getRandom().setSeed(7);
        INDArray[] inputs = new INDArray[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            inputs[i] = Nd4j.rand(DataType.FLOAT, sizes[i], N_IN, T);
        }
        double[][][] cpu = new double[2][sizes.length][reps], wall = new double[2][sizes.length][reps];
        for (int r = -warm; r < reps; r++) {
            for (int i = 0; i < sizes.length; i++) {
                for (int n = 0; n < nets.length; n++) {
                    long w = System.nanoTime(), c = THREADS.getCurrentThreadCpuTime();
                    nets[n].output(inputs[i], false);
                    if (r >= 0) {
                        cpu[n][i][r] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6 / sizes[i];
                        wall[n][i][r] = (System.nanoTime() - w) / 1e6 / sizes[i];
                    }
                }
            }
        }
        System.out.printf("LMN inference (output), OMP_NUM_THREADS=%s, T %d, input %d, size %d, float; median of %d after %d warm-up%n",
                System.getenv("OMP_NUM_THREADS"), T, N_IN, P, reps, warm);
        System.out.printf("%8s %14s %14s %12s %16s %14s%n", "batch", "CPU ms/example", "wall ms/ex.", "CPU / first",
                "LAES-start ms/ex.", "LAES / Xavier");
        double first = median(cpu[0][0]);
        for (int i = 0; i < sizes.length; i++) {
            double general = median(cpu[0][i]), laes = median(cpu[1][i]);
            System.out.printf("%8d %14.3f %14.3f %12.2f %16.3f %14.2f%n", sizes[i], general, median(wall[0][i]),
                    general / first, laes, laes / general);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
