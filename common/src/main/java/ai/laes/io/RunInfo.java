package ai.laes.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import ai.laes.numerics.BlasCanary;
import ai.laes.numerics.NativePlatform;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The provenance written as {@code run.json} beside every job's outputs: the resolved options,
 * seeds, versions of the product and its stack, input checksums and seconds per stage.
 */
public final class RunInfo {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, Object> root = new LinkedHashMap<>();
    private final Map<String, Object> inputs = new LinkedHashMap<>();

    /** Starts the record of a run of {@code job} with its resolved options. */
    public RunInfo(String job, Map<String, ?> options) {
        root.put("job", job);
        root.put("started", Instant.now().toString());
        root.put("options", new LinkedHashMap<>(options));
        root.put("versions", versions());
        root.put("platform", NativePlatform.describeAsMap());
        root.put("inputs", inputs);
    }

    /**
     * Records an input file with its SHA-256 (computed here from {@code resolved}) under the name the
     * user gave it ({@code location}): a relative location stays relative, so run.json does not
     * record the working directory of the machine it ran on.
     */
    public RunInfo input(String role, String location, Path resolved, Configuration conf) {
        inputs.put(role, Map.of("path", location, "sha256", Checksums.sha256(resolved, conf)));
        return this;
    }

    /** Records an input given by reference (e.g. a directory with its own run.json). */
    public RunInfo input(String role, Object description) {
        inputs.put(role, description);
        return this;
    }

    /** Adds or replaces a top-level field (seeds, Spark master, application id, ...). */
    public RunInfo put(String key, Object value) {
        root.put(key, value);
        return this;
    }

    /**
     * Writes the record with the finish time, {@code stageSeconds} and what the driver's BLAS canary
     * measured ({@link BlasCanary}).
     */
    public void write(Path path, Configuration conf, Map<String, Double> stageSeconds) {
        root.put("finished", Instant.now().toString());
        root.put("blas_canary", BlasCanary.report());
        root.put("seconds", stageSeconds);
        writeJson(path, conf, root);
    }

    /** Writes any JSON-able value (maps, lists, numbers, strings, arrays) to {@code path}. */
    public static void writeJson(Path path, Configuration conf, Object value) {
        try (OutputStream out = FileSystems.of(path, conf).create(path, true)) {
            JSON.writeValue(out, value);
        } catch (IOException e) {
            throw FileSystems.unchecked(path.toString(), e);
        }
    }

    /** Reads a JSON object written by {@link #writeJson}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readJson(Path path, Configuration conf) {
        try (InputStream in = FileSystems.of(path, conf).open(path)) {
            return JSON.readValue(in, Map.class);
        } catch (java.io.FileNotFoundException e) {
            throw new InputException(path + ": file not found");
        } catch (IOException e) {
            throw new InputException(path + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")", e);
        }
    }

    /**
     * Versions of the product, Java, Scala, Spark, Hadoop and Deeplearning4j on this JVM, and the
     * BLAS ND4J was told to load (see {@link NativePlatform}).
     */
    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("laes", productVersion());
        v.put("java", System.getProperty("java.version"));
        v.put("scala", scala.util.Properties.versionNumberString());
        v.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        v.put("hadoop", org.apache.hadoop.util.VersionInfo.getVersion());
        v.put("deeplearning4j", NativePlatform.mavenVersion("org.deeplearning4j", "deeplearning4j-nn"));
        v.put("nd4j", NativePlatform.mavenVersion("org.nd4j", "nd4j-api"));
        v.put("blas", String.valueOf(NativePlatform.describeAsMap().get("blas")));
        return v;
    }

    static String productVersion() {
        try (InputStream in = RunInfo.class.getResourceAsStream("/ai/laes/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
