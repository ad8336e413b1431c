package ai.laes.readout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import scala.Tuple2;

class SoftmaxTemperatureTest {
    /** Labels drawn from softmax(5 s) with identity scores: the fitted temperature recovers 5 and minimises the loss. */
    @Test
    void recoversTheTemperatureThatGeneratedTheLabels() {
        Random random = new Random(3);
        int classes = 4;
        List<Tuple2<double[], Integer>> sample = new ArrayList<>();
        for (int i = 0; i < 20000; i++) {
            double[] s = new double[classes];
            double[] p = new double[classes];
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                s[c] = random.nextDouble();
                p[c] = Math.exp(5 * s[c]);
                sum += p[c];
            }
            double u = random.nextDouble() * sum;
            int label = 0;
            while (label < classes - 1 && (u -= p[label]) > 0) {
                label++;
            }
            sample.add(new Tuple2<>(s, label));
        }
        double[][] scores = sample.stream().map(Tuple2::_1).toArray(double[][]::new);
        int[] labels = sample.stream().mapToInt(Tuple2::_2).toArray();
        double tau = SoftmaxTemperature.fit(scores, labels);
        assertEquals(5.0, tau, 0.3);
        double best = SoftmaxTemperature.crossEntropy(scores, labels, tau);
        for (double other : new double[] {1, 2, 4, 6, 10, 50}) {
            assertTrue(best <= SoftmaxTemperature.crossEntropy(scores, labels, other) + 1e-12, "tau " + other);
        }
    }
}
