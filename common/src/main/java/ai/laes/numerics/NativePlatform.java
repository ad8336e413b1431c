package ai.laes.numerics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The CPU and the BLAS this JVM computes with, for run.json and for the one line of a failed check.
 *
 * <p>Why it matters (measured on an Intel Xeon, family 6 model 167, AVX-512): the OpenBLAS 0.3.19
 * that ND4J bundles picks its SkylakeX kernels on AVX-512 CPUs, and there LAPACK {@code dsyev}
 * returned wrong eigenvectors (200 x 200 SPD: max|U^T U - I| = 3.1) while {@code OPENBLAS_CORETYPE=Haswell}
 * made it right. OpenBLAS chooses its kernels from the CPU at load time unless that variable is set.
 */
public final class NativePlatform {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static volatile Map<String, Object> cached;

    private NativePlatform() {
    }

    /** cpu (model name), cpu_family, cpu_model, avx512f, os_arch, blas, openblas_coretype. */
    public static Map<String, Object> describeAsMap() {
        Map<String, Object> m = cached;
        if (m == null) {
            m = new LinkedHashMap<>();
            Map<String, String> cpu = cpuInfo();
            m.put("cpu", cpu.getOrDefault("model name", System.getProperty("os.arch")));
            m.put("cpu_family", cpu.getOrDefault("cpu family", "unknown"));
            m.put("cpu_model", cpu.getOrDefault("model", "unknown"));
            m.put("avx512f", List.of(cpu.getOrDefault("flags", "").split(" ")).contains("avx512f"));
            m.put("os_arch", System.getProperty("os.arch"));
            m.put("blas", blas());
            m.put("openblas_coretype", coreType());
            cached = Map.copyOf(m);
        }
        return cached;
    }

    /** One phrase: "BLAS: ...; CPU: ... (family f, model m, AVX-512)". */
    public static String describe() {
        Map<String, Object> m = describeAsMap();
        return "BLAS: " + m.get("blas") + ", OPENBLAS_CORETYPE=" + m.get("openblas_coretype")
                + "; CPU: " + m.get("cpu") + " (family " + m.get("cpu_family") + ", model " + m.get("cpu_model")
                + (Boolean.TRUE.equals(m.get("avx512f")) ? ", AVX-512" : "") + ")";
    }

    /**
     * What to try: on an AVX-512 CPU with the bundled OpenBLAS choosing its own kernels, the Haswell
     * kernels (correct where SkylakeX's were not); otherwise, to report the line.
     */
    public static String advice() {
        Map<String, Object> m = describeAsMap();
        boolean bundled = String.valueOf(m.get("blas")).startsWith("bundled");
        if (bundled && Boolean.TRUE.equals(m.get("avx512f")) && !"Haswell".equalsIgnoreCase(String.valueOf(m.get("openblas_coretype")))) {
            return "; try again with OPENBLAS_CORETYPE=Haswell exported (and spark.executorEnv.OPENBLAS_CORETYPE=Haswell on a cluster)";
        }
        return "; the native library gives wrong results on this CPU: report this line";
    }

    /** The BLAS ND4J was told to load: the bundled OpenBLAS (with its version) or -Dorg.bytedeco.openblas.load. */
    static String blas() {
        String load = System.getProperty("org.bytedeco.openblas.load", "");
        if (!load.isEmpty()) {
            return load;
        }
        String version = mavenVersion("org.bytedeco", "openblas");
        return "bundled OpenBLAS " + version.replaceFirst("-.*", "") + " (org.bytedeco:openblas " + version + ")";
    }

    private static String coreType() {
        String t = System.getenv("OPENBLAS_CORETYPE");
        return t == null || t.isEmpty() ? "unset" : t;
    }

    /** The first processor's fields of /proc/cpuinfo (empty elsewhere). */
    static Map<String, String> cpuInfo() {
        Map<String, String> fields = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(CPUINFO)) {
                if (line.isBlank() && !fields.isEmpty()) {
                    break;
                }
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the os.arch fallback describes the CPU
        }
        return fields;
    }

    /** The version in a jar's Maven metadata, or "unknown". */
    public static String mavenVersion(String group, String artifact) {
        String resource = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (var in = NativePlatform.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
