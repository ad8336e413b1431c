package ai.laes.jobs.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.laes.io.RunInfo;
import ai.laes.jobs.JobLauncher;
import ai.laes.jobs.PretrainJob;
import ai.laes.jobs.PretrainOptions;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * How the Gram-route pretraining scales with the training set: the pretrain job on the first
 * 1x, 2x and 4x 50,000 training sequences of a dataset prepared with {@code --replicate 4}, in one
 * Spark application, printing seconds per stage (read / mean / Gram / eigen / encode), the ratio
 * of each total to the 1x run, and the driver's peak heap.
 * Arguments: PREPARED OUT_DIR [TASK=smnist] [P=128] [MULTIPLES=1,2,4].
 */
public final class PretrainBenchmark {
    private PretrainBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: PretrainBenchmark PREPARED OUT_DIR [TASK=smnist] [P=128] [MULTIPLES=1,2,4]");
            System.exit(JobLauncher.USAGE_ERROR);
        }
        String task = args.length > 2 ? args[2] : "smnist";
        String p = args.length > 3 ? args[3] : "128";
        String[] multiples = (args.length > 4 ? args[4] : "1,2,4").split(",");
        SparkSession spark = SparkSession.builder().appName("laes-pretrain-benchmark").getOrCreate();
        List<String> lines = new ArrayList<>();
        double baseline = Double.NaN;
        try {
            System.out.printf("master=%s task=%s p=%s%n", spark.sparkContext().master(), task, p);
            for (String multiple : multiples) {
                int n = 50_000 * Integer.parseInt(multiple.trim());
                String out = args[1] + "/pretrain-" + multiple.trim() + "x";
                resetPeaks();
                long start = System.nanoTime();
                int code = JobLauncher.execute("pretrain", new PretrainOptions(), new String[] {"--data", args[0], "--out", out,
                    "--task", task, "--memory-size", p, "--limit", Integer.toString(n), "--overwrite"}, PretrainJob::run, spark);
                double total = (System.nanoTime() - start) / 1e9;
                if (code != 0) {
                    System.exit(code);
                }
                Map<String, Object> metrics = RunInfo.readJson(new Path(out, "metrics.json"), spark.sparkContext().hadoopConfiguration());
                @SuppressWarnings("unchecked")
                Map<String, Number> s = (Map<String, Number>) metrics.get("seconds");
                double encode = sum(s, "LAES: encode") + sum(s, "LAES: reconstruction");
                if (Double.isNaN(baseline)) {
                    baseline = total;
                }
                lines.add(String.format("%8d %6.1f %6.1f %6.1f %6.1f %7.1f %7.1f %6.2fx %8d %9.4f",
                        ((Number) metrics.get("train_sequences")).intValue(), sum(s, "LAES: read"), sum(s, "LAES: mean"),
                        sum(s, "LAES: Gram"), sum(s, "LAES: eigen"), encode, total, total / baseline, peakHeapMb(),
                        ((Number) metrics.get("reconstruction_mse_test")).doubleValue()));
            }
        } finally {
            spark.stop();
        }
        System.out.println("   train   read   mean   Gram  eigen  encode   total  vs 1x  heap MB  test MSE");
        lines.forEach(System.out::println);
    }

    private static double sum(Map<String, Number> seconds, String prefix) {
        return seconds.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(e -> e.getValue().doubleValue()).sum();
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** The sum of the heap pools' peak usage since the last reset, in MB. */
    private static long peakHeapMb() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(m -> m.getType() == MemoryType.HEAP)
                .mapToLong(m -> m.getPeakUsage().getUsed()).sum() >> 20;
    }
}
