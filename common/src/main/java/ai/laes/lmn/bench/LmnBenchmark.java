package ai.laes.lmn.bench;

import ai.laes.lmn.LmnNetworks;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Random;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

/**
 * Milliseconds per batch of the LMN layer against DL4J's LSTM and SimpleRnn of the same size, in one
 * process, float, sequential-MNIST shape (batch 64, T 784, input 1, size 128), plus the GEMM floor.
 * Run with OMP_NUM_THREADS=1. Arguments: [timed repetitions (default 5)] [warm-up repetitions (default 2)]
 * ["lmn" to time the LMN only].
 */
public final class LmnBenchmark {
    private static final int BATCH = 64, T = 784, N_IN = 1, P = 128, CLASSES = 10;

    private LmnBenchmark() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        LmnNetworks.Settings s = LmnNetworks.Settings.reference();
        s.nIn = N_IN;
        s.hidden = P;
        s.memory = P;
        DataSet data = batch(7);

        double gemm = gemmMillis(2000, false);
        double gemmBlas = gemmMillis(2000, true);
        String[] names = {"LMN", "LSTM", "SimpleRnn"};
        MultiLayerNetwork[] nets = {
                LmnNetworks.lmnClassifier(s),
                LmnNetworks.lstmClassifier(s),
                LmnNetworks.classifier(s, new SimpleRnn.Builder().nIn(N_IN).nOut(P).activation(Activation.TANH).build(), P)};
        int models = args.length > 2 && args[2].equals("lmn") ? 1 : nets.length;
        double[][][] t = new double[models][3][reps];
        // round robin, so that load from other processes affects every model alike
        for (int r = -warm; r < reps; r++) {
            for (int i = 0; i < models; i++) {
                double[] one = once(nets[i], data);
                for (int k = 0; r >= 0 && k < 3; k++) {
                    t[i][k][r] = one[k];
                }
            }
        }
        double[][] ms = new double[models][3];
        for (int i = 0; i < models; i++) {
            for (int k = 0; k < 3; k++) {
                ms[i][k] = median(t[i][k]);
            }
        }

        System.out.printf("OMP_NUM_THREADS=%s, batch %d, T %d, input %d, size %d, float; median of %d after %d warm-up%n",
                System.getenv("OMP_NUM_THREADS"), BATCH, T, N_IN, P, reps, warm);
        System.out.printf("%-10s %12s %12s %12s %10s %10s %10s%n", "model", "output ms", "fwd+bwd ms", "fit ms",
                "out/LMN", "fb/LMN", "fit/LMN");
        for (int i = 0; i < models; i++) {
            System.out.printf("%-10s %12.1f %12.1f %12.1f %10.2f %10.2f %10.2f%n", names[i], ms[i][0], ms[i][1], ms[i][2],
                    ms[i][0] / ms[0][0], ms[i][1] / ms[0][1], ms[i][2] / ms[0][2]);
        }
        System.out.printf("GEMM [64x128]x[128x128] via Nd4j.gemm: %.4f ms; floor 3*T (forward) = %.1f ms, 9*T (fwd+bwd) = %.1f ms%n",
                gemm, 3 * T * gemm, 9 * T * gemm);
        System.out.printf("GEMM [64x128]x[128x128] via cblas_sgemm: %.4f ms; floor 3*T (forward) = %.1f ms, 9*T (fwd+bwd) = %.1f ms%n",
                gemmBlas, 3 * T * gemmBlas, 9 * T * gemmBlas);
        System.out.printf("LMN: output / 3T floor = %.2f, fit / 9T floor = %.2f (cblas floor)%n",
                ms[0][0] / (3 * T * gemmBlas), ms[0][2] / (9 * T * gemmBlas));
    }

    /** ms of {output, computeGradientAndScore, fit} for one batch. */
    private static double[] once(MultiLayerNetwork net, DataSet data) {
        long a = System.nanoTime();
        net.output(data.getFeatures());
        long b = System.nanoTime();
        net.setInput(data.getFeatures());
        net.setLabels(data.getLabels());
        net.computeGradientAndScore();
        long c = System.nanoTime();
        net.fit(data);
        long d = System.nanoTime();
        return new double[]{(b - a) / 1e6, (c - b) / 1e6, (d - c) / 1e6};
    }

    /** One [64x128]x[128x128] GEMM: through ND4J's Nd4j.gemm, or straight to the OpenBLAS ND4J links. */
    private static double gemmMillis(int n, boolean direct) {
        INDArray a = Nd4j.rand(DataType.FLOAT, BATCH, P);
        INDArray w = Nd4j.rand(DataType.FLOAT, P, P);
        INDArray c = Nd4j.create(DataType.FLOAT, BATCH, P);
        FloatPointer pa = (FloatPointer) a.data().addressPointer();
        FloatPointer pw = (FloatPointer) w.data().addressPointer();
        FloatPointer pc = (FloatPointer) c.data().addressPointer();
        double[] t = new double[5];
        for (int r = -1; r < t.length; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (direct) {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, BATCH, P, P, 1f, pa, P, pw, P, 0f, pc, P);
                } else {
                    Nd4j.gemm(a, w, c, false, false, 1.0, 0.0);
                }
            }
            if (r >= 0) {
                t[r] = (System.nanoTime() - start) / 1e6 / n;
            }
        }
        return median(t);
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
