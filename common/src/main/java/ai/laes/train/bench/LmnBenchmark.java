package ai.laes.train.bench;

import ai.laes.lstm.LstmLayer;
import ai.laes.lstm.LstmReferenceInit;
import ai.laes.train.RecurrentClassifiers;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * Milliseconds per batch of the LMN layer against DL4J's LSTM, our {@link LstmLayer} and DL4J's SimpleRnn of the
 * same size, in one process, float, sequential-MNIST shape (batch 64, T 784, input 1, size 128), plus the GEMM floor.
 * Models are timed round robin. Each figure is given as wall time and as the main thread's CPU time:
 * with OMP_NUM_THREADS=1 all work runs on that thread, so CPU time stays meaningful when other
 * processes load the machine. Run with OMP_NUM_THREADS=1.
 * Arguments: [timed repetitions (default 5)] [warm-up repetitions (default 2)] ["lmn" to time the LMN only, "lstm" to
 * time the LMN and the two LSTMs].
 */
public final class LmnBenchmark {
    private static final int BATCH = 64, T = 784, N_IN = 1, P = 128, CLASSES = 10;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final String[] PHASES = {"output", "fwd+bwd", "fit"};

    private LmnBenchmark() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        RecurrentClassifiers.Settings s = RecurrentClassifiers.Settings.reference();
        s.nIn = N_IN;
        s.hidden = P;
        s.memory = P;
        DataSet data = batch(7);

        String[] names = {"LMN", "LSTM", "LstmLayer", "SimpleRnn"};
        MultiLayerNetwork[] nets = {
                RecurrentClassifiers.lmnClassifier(s),
                RecurrentClassifiers.classifier(s, new LSTM.Builder().nIn(N_IN).nOut(P).activation(Activation.TANH)
                        .forgetGateBiasInit(LstmReferenceInit.FORGET_BIAS).build(), P),
                RecurrentClassifiers.classifier(s, new LstmLayer.Builder().nIn(N_IN).nOut(P)
                        .forgetGateBiasInit(LstmReferenceInit.FORGET_BIAS).build(), P),
                RecurrentClassifiers.classifier(s, new SimpleRnn.Builder().nIn(N_IN).nOut(P).activation(Activation.TANH).build(), P)};
        String only = args.length > 2 ? args[2] : "";
        int models = only.equals("lmn") ? 1 : only.equals("lstm") ? 3 : nets.length;
        double[][][] wall = new double[models][3][reps], cpu = new double[models][3][reps];
        for (int r = -warm; r < reps; r++) {
            for (int i = 0; i < models; i++) {
                double[][] one = once(nets[i], data);
                for (int k = 0; r >= 0 && k < 3; k++) {
                    wall[i][k][r] = one[0][k];
                    cpu[i][k][r] = one[1][k];
                }
            }
        }
        double[] gemmNd4j = gemmMillis(2000, false), gemmBlas = gemmMillis(2000, true);

        System.out.printf("OMP_NUM_THREADS=%s, batch %d, T %d, input %d, size %d, float; median of %d after %d warm-up%n",
                System.getenv("OMP_NUM_THREADS"), BATCH, T, N_IN, P, reps, warm);
        double[][] cpuMs = table("thread CPU ms", names, cpu);
        table("wall ms", names, wall);
        System.out.printf("%nGEMM [64x128]x[128x128]      %10s %10s%n", "CPU ms", "wall ms");
        System.out.printf("  via Nd4j.gemm             %10.4f %10.4f%n", gemmNd4j[1], gemmNd4j[0]);
        System.out.printf("  via cblas_sgemm (direct)  %10.4f %10.4f%n", gemmBlas[1], gemmBlas[0]);
        double floor3 = 3 * T * gemmBlas[1], floor9 = 9 * T * gemmBlas[1];
        System.out.printf("GEMM floor (direct, CPU): 3*T = %.1f ms (forward), 9*T = %.1f ms (forward + backward)%n", floor3, floor9);
        System.out.printf("LMN (CPU): output / 3T floor = %.2f, fwd+bwd / 9T floor = %.2f, fit / 9T floor = %.2f%n",
                cpuMs[0][0] / floor3, cpuMs[0][1] / floor9, cpuMs[0][2] / floor9);
        if (models >= 3) {
            // an LSTM step is 4 units forward ([64x128]x[128x512]), 4 for dh_{t-1} and 4 for its share of dRW
            double floor4 = 4 * T * gemmBlas[1], floor12 = 12 * T * gemmBlas[1];
            System.out.printf("LSTM GEMM floor (direct, CPU): 4*T = %.1f ms (forward), 12*T = %.1f ms (forward + backward)%n",
                    floor4, floor12);
            for (int i = 1; i <= 2; i++) {
                System.out.printf("%-9s (CPU): output / 4T floor = %.2f, fit / 12T floor = %.2f%n", names[i],
                        cpuMs[i][0] / floor4, cpuMs[i][2] / floor12);
            }
            System.out.printf("LstmLayer / DL4J LSTM (CPU): output %.2f, fwd+bwd %.2f, fit %.2f (speed-up %.1fx)%n",
                    cpuMs[2][0] / cpuMs[1][0], cpuMs[2][1] / cpuMs[1][1], cpuMs[2][2] / cpuMs[1][2], cpuMs[1][2] / cpuMs[2][2]);
        }
    }

    private static double[][] table(String title, String[] names, double[][][] t) {
        int models = t.length;
        double[][] ms = new double[models][3];
        for (int i = 0; i < models; i++) {
            for (int k = 0; k < 3; k++) {
                ms[i][k] = median(t[i][k]);
            }
        }
        System.out.printf("%n%s%n%-10s %10s %10s %10s %10s %10s %10s%n", title, "model", PHASES[0], PHASES[1], PHASES[2],
                "out/LMN", "fb/LMN", "fit/LMN");
        for (int i = 0; i < models; i++) {
            System.out.printf("%-10s %10.1f %10.1f %10.1f %10.2f %10.2f %10.2f%n", names[i], ms[i][0], ms[i][1], ms[i][2],
                    ms[i][0] / ms[0][0], ms[i][1] / ms[0][1], ms[i][2] / ms[0][2]);
        }
        return ms;
    }

    /** {wall, cpu} ms of {output, computeGradientAndScore, fit} for one batch. */
    private static double[][] once(MultiLayerNetwork net, DataSet data) {
        double[][] ms = new double[2][3];
        for (int k = 0; k < 3; k++) {
            long w = System.nanoTime(), c = THREADS.getCurrentThreadCpuTime();
            if (k == 0) {
                net.output(data.getFeatures());
            } else if (k == 1) {
                net.setInput(data.getFeatures());
                net.setLabels(data.getLabels());
                net.computeGradientAndScore();
            } else {
                net.fit(data);
            }
            ms[0][k] = (System.nanoTime() - w) / 1e6;
            ms[1][k] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
        }
        return ms;
    }

    /** {wall, cpu} ms of one [64x128]x[128x128] GEMM: through Nd4j.gemm, or straight to the OpenBLAS ND4J links. */
    private static double[] gemmMillis(int n, boolean direct) {
        INDArray a = Nd4j.rand(DataType.FLOAT, BATCH, P);
        INDArray w = Nd4j.rand(DataType.FLOAT, P, P);
        INDArray c = Nd4j.create(DataType.FLOAT, BATCH, P);
        FloatPointer pa = (FloatPointer) a.data().addressPointer();
        FloatPointer pw = (FloatPointer) w.data().addressPointer();
        FloatPointer pc = (FloatPointer) c.data().addressPointer();
        double[][] t = new double[2][5];
        for (int r = -1; r < 5; r++) {
            long start = System.nanoTime(), cpu = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                if (direct) {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, BATCH, P, P, 1f, pa, P, pw, P, 0f, pc, P);
                } else {
                    Nd4j.gemm(a, w, c, false, false, 1.0, 0.0);
                }
            }
            if (r >= 0) {
                t[0][r] = (System.nanoTime() - start) / 1e6 / n;
                t[1][r] = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6 / n;
            }
        }
        return new double[]{median(t[0]), median(t[1])};
    }

    private static DataSet batch(long seed) {
        Random rnd = new Random(seed);
        INDArray x = Nd4j.create(DataType.FLOAT, BATCH, N_IN, T);
        INDArray y = Nd4j.zeros(DataType.FLOAT, BATCH, CLASSES);
        for (int i = 0; i < BATCH; i++) {
            for (int t = 0; t < T; t++) {
                x.putScalar(new int[]{i, 0, t}, rnd.nextDouble());
            }
            y.putScalar(i, rnd.nextInt(CLASSES), 1.0);
        }
        return new DataSet(x, y);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
