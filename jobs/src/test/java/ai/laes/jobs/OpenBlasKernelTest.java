package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ai.laes.io.Npy;
import ai.laes.io.RunInfo;
import ai.laes.numerics.NativePlatform;
import ai.laes.spark.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pretraining job under the OpenBLAS kernels that once made it silently wrong: on an AVX-512 CPU,
 * {@code OPENBLAS_CORETYPE=SkylakeX} selects the kernels whose LAPACK dsyev returned wrong eigenvectors.
 * Each run is a child JVM (the kernels are chosen when OpenBLAS loads). The default job must give the
 * same LAES as under the Haswell kernels; with the native eigensolver forced, the job must refuse with its
 * one line and leave nothing behind. Without AVX-512 the SkylakeX kernels crash OpenBLAS instead, so the
 * test is skipped there.
 */
class OpenBlasKernelTest extends SparkTestBase {
    private static final int SEQUENCES = 2000;
    @TempDir
    static Path tmp;
    static Path prepared;

    @BeforeAll
    static void prepareRealMnist() {
        assumeTrue(Boolean.TRUE.equals(NativePlatform.describeAsMap().get("avx512f")),
                "skipped: this CPU has no AVX-512, where OPENBLAS_CORETYPE=SkylakeX crashes OpenBLAS instead of "
                        + "selecting the kernels under test");
        prepared = SmallPrepared.create(spark, tmp.resolve("prepared"), SEQUENCES);
    }

    static int pretrain(String name, String coreType, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--data", prepared.toString(), "--out",
                tmp.resolve(name).toString(), "--task", "smnist", "--memory-size", "128"));
        args.addAll(List.of(more));
        Path log = tmp.resolve(name + ".log");
        Process p = ChildJvm.start(PretrainJob.class, log, Map.of("OPENBLAS_CORETYPE", coreType), args);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " timed out");
        return p.exitValue();
    }

    static double[] values(String run, String file) {
        return Npy.read(PretrainJobTest.hpath(tmp.resolve(run).resolve(file)), new Configuration()).values();
    }

    @Test
    void theSkylakeXKernelsGiveTheSameLaesAsHaswellsOrTheJobRefuses() throws Exception {
        assertEquals(0, pretrain("skylakex", "SkylakeX"), ChildJvm.tail(tmp.resolve("skylakex.log"), 20));
        assertEquals(0, pretrain("haswell", "Haswell"), ChildJvm.tail(tmp.resolve("haswell.log"), 20));
        for (String file : new String[] {"laes/A.npy", "laes/B.npy", "laes/mean.npy"}) {
            assertArrayEquals(values("haswell", file), values("skylakex", file), 1e-9, file);
        }
        Configuration conf = new Configuration();
        Map<String, Object> sky = RunInfo.readJson(PretrainJobTest.hpath(tmp.resolve("skylakex/metrics.json")), conf);
        Map<String, Object> has = RunInfo.readJson(PretrainJobTest.hpath(tmp.resolve("haswell/metrics.json")), conf);
        for (String key : new String[] {"reconstruction_mse_test", "mean_baseline_mse_test", "spectral_norm_B",
                "spectral_radius_B", "sigma_ratio"}) {
            double h = ((Number) has.get(key)).doubleValue();
            assertEquals(h, ((Number) sky.get(key)).doubleValue(), 1e-9 * Math.abs(h), key);
        }
        for (String key : new String[] {"laes_readout_test_accuracy", "init_test_accuracy"}) {
            assertEquals(((Number) has.get(key)).doubleValue(), ((Number) sky.get(key)).doubleValue(), 2.0 / SEQUENCES, key);
        }
        double mse = ((Number) sky.get("reconstruction_mse_test")).doubleValue();
        assertTrue(mse < 0.5 * ((Number) sky.get("mean_baseline_mse_test")).doubleValue(), "LAES test MSE " + mse);
        Map<?, ?> platform = (Map<?, ?>) RunInfo.readJson(PretrainJobTest.hpath(tmp.resolve("skylakex/run.json")), conf).get("platform");
        assertEquals("SkylakeX", platform.get("openblas_coretype"));
        assertEquals(true, platform.get("avx512f"));
    }

    @Test
    void theNativeEigensolverUnderSkylakeXIsRefusedWithOneLineAndNoOutput() throws Exception {
        int exit = pretrain("refused", "SkylakeX", "--eigen-solver", "nd4j", "--limit", "500");
        String log = Files.readString(tmp.resolve("refused.log"));
        assertEquals(1, exit, ChildJvm.tail(tmp.resolve("refused.log"), 20));
        List<String> failures = log.lines().filter(l -> l.startsWith("pretrain: failed: ")).toList();
        assertEquals(1, failures.size(), log);
        String line = failures.get(0);
        for (String part : new String[] {"numerics check 'eigenvector orthonormality' failed", "BLAS: bundled OpenBLAS",
                "OPENBLAS_CORETYPE=SkylakeX", "CPU: ", "AVX-512",
                "try again with OPENBLAS_CORETYPE=Haswell"}) {
            assertTrue(line.contains(part), "'" + part + "' missing from: " + line);
        }
        assertFalse(log.contains("\tat "), "a known failure prints no stack trace:\n" + log);
        assertFalse(Files.exists(tmp.resolve("refused")), "no output");
        try (var siblings = Files.list(tmp)) {
            assertEquals(List.of(), siblings.map(p -> p.getFileName().toString()).filter(n -> n.contains("refused")
                    && !n.endsWith(".log")).toList(), "no temporary output left behind");
        }
    }
}
