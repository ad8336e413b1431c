package ai.laes.jobs;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.laes.data.SequenceTask;
import ai.laes.data.SourceFormat;
import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.numerics.BlasCanary;
import ai.laes.numerics.NumericsCheckFailed;
import ai.laes.laes.EigenSolver;
import ai.laes.laes.GramRoute;
import ai.laes.laes.SvdRoute;
import ai.laes.lmn.init.InitScheme;
import ai.laes.train.Architecture;
import ai.laes.train.ReadoutScheme;
import ai.laes.train.TrainingDiverged;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The shape of every job's {@code main}: parse the options (picocli, HOCON defaults), get the
 * Spark session spark-submit configured (never a master in code), call {@code run(options, spark)},
 * and turn failures into one line on stderr and an exit code: 2 for usage and input errors,
 * 1 for runtime failures, 0 on success.
 */
public final class JobLauncher {
    /** A job body: the stages, given parsed options and a session. */
    @FunctionalInterface
    public interface Job<O> {
        void run(O options, SparkSession spark) throws Exception;
    }

    public static final int OK = 0;
    public static final int RUNTIME_FAILURE = 1;
    public static final int USAGE_ERROR = 2;
    private static final Logger LOG = LoggerFactory.getLogger(JobLauncher.class);

    private JobLauncher() {
    }

    /** Parses {@code args} into {@code options}; returns the exit code to use, or -1 to go on. */
    static <O> int parse(String name, O options, String[] args) {
        try {
            CommandLine cli = commandLine(name, options, HoconDefaults.configFile(args));
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            if (parsed.isUsageHelpRequested()) {
                cli.usage(System.out);
                return OK;
            }
            if (options instanceof Validated v) {
                v.validate();
            }
            String complete = completeOutputToResume(cli.getCommandSpec());
            if (complete != null && options instanceof EpochBudget.Budgeted b && EpochBudget.grows(b, complete, new Configuration())) {
                return -1; // the job continues the finished run to its larger budget
            }
            if (complete != null) {
                System.err.println(name + ": " + complete + " is already complete; nothing to resume (left untouched)");
                return OK;
            }
            refuseExistingOutput(cli.getCommandSpec());
            return -1;
        } catch (CommandLine.ParameterException e) {
            System.err.println(name + ": error: " + e.getMessage() + " (see --help)");
            return USAGE_ERROR;
        } catch (InputException e) {
            System.err.println(name + ": error: " + e.getMessage());
            return USAGE_ERROR;
        }
    }

    /** The parser of job {@code name}'s {@code options}: defaults from reference.conf overlaid by {@code configFile} (or null). */
    static CommandLine commandLine(String name, Object options, String configFile) {
        return new CommandLine(options)
                .setDefaultValueProvider(new HoconDefaults(name, configFile))
                .registerConverter(SequenceTask.class, v -> typed(() -> SequenceTask.parse(v)))
                .registerConverter(SourceFormat.class, v -> choice(SourceFormat.class, "--format", v))
                .registerConverter(SvdRoute.class, v -> choice(SvdRoute.class, "--svd", v))
                .registerConverter(GramRoute.class, v -> choice(GramRoute.class, "--gram", v))
                .registerConverter(EigenSolver.class, v -> choice(EigenSolver.class, "--eigen-solver", v))
                .registerConverter(Architecture.class, v -> choice(Architecture.class, "--model", v))
                .registerConverter(InitScheme.class, v -> choice(InitScheme.class, "--init-scheme", v))
                .registerConverter(ReadoutScheme.class, v -> choice(ReadoutScheme.class, "--readout", v));
    }

    /** Runs a conversion, reporting an input error as picocli's one-line type-conversion error. */
    static <T> T typed(java.util.function.Supplier<T> conversion) {
        try {
            return conversion.get();
        } catch (InputException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** {@code --out} if {@code --resume} (without {@code --overwrite}) names an output that is already complete, else null. */
    private static String completeOutputToResume(CommandLine.Model.CommandSpec spec) {
        OptionSpec out = spec.findOption("--out");
        OptionSpec resume = spec.findOption("--resume");
        OptionSpec overwrite = spec.findOption("--overwrite");
        if (out == null || out.getValue() == null || resume == null || !Boolean.TRUE.equals(resume.getValue())
                || (overwrite != null && Boolean.TRUE.equals(overwrite.getValue()))) {
            return null;
        }
        String location = out.getValue();
        Configuration conf = new Configuration();
        return AtomicOutput.isComplete(FileSystems.qualified(location, conf), conf) ? location : null;
    }

    /** An existing {@code --out} without {@code --overwrite}, refused before Spark starts (the job checks again). */
    private static void refuseExistingOutput(CommandLine.Model.CommandSpec spec) {
        OptionSpec out = spec.findOption("--out");
        OptionSpec overwrite = spec.findOption("--overwrite");
        if (out == null || out.getValue() == null || overwrite == null || Boolean.TRUE.equals(overwrite.getValue())) {
            return;
        }
        String location = out.getValue();
        if (FileSystems.exists(new Path(location), new Configuration())) {
            throw new InputException(location + ": output already exists (pass --overwrite to replace it)");
        }
    }

    /** The constant of {@code type} named {@code value}, ignoring case, dashes and underscores. */
    static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
        String wanted = value.replaceAll("[-_]", "");
        for (E e : type.getEnumConstants()) {
            if (e.name().replace("_", "").equalsIgnoreCase(wanted)) {
                return e;
            }
        }
        throw new CommandLine.TypeConversionException(option + " " + value + ": unknown value (expected one of "
                + java.util.Arrays.stream(type.getEnumConstants()).map(JobLauncher::label).toList() + ")");
    }

    /** How an option value is written: lower case, no underscores. */
    static String label(Enum<?> e) {
        return e.name().replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** Runs job {@code name}: parse, session, run, stop; returns the exit code. */
    public static <O> int execute(String name, O options, String[] args, Job<O> job) {
        int parsed = parse(name, options, args);
        if (parsed >= 0) {
            return parsed;
        }
        SparkSession spark = SparkSession.builder().appName("laes-" + name).getOrCreate();
        try {
            return runWith(name, options, job, spark);
        } finally {
            spark.stop();
        }
    }

    /** Parses {@code args} and runs job {@code name} on an existing session (left running); for tests. */
    public static <O> int execute(String name, O options, String[] args, Job<O> job, SparkSession spark) {
        int parsed = parse(name, options, args);
        return parsed >= 0 ? parsed : runWith(name, options, job, spark);
    }

    private static <O> int runWith(String name, O options, Job<O> job, SparkSession spark) {
        try {
            BlasCanary.verifyOnce(); // the driver's native products, before any work
            job.run(options, spark);
            return OK;
        } catch (InputException e) {
            System.err.println(name + ": error: " + e.getMessage());
            return USAGE_ERROR;
        } catch (Throwable e) {
            InputException input = cause(e, InputException.class);
            if (input != null) {
                System.err.println(name + ": error: " + input.getMessage());
                return USAGE_ERROR;
            }
            NumericsCheckFailed numerics = cause(e, NumericsCheckFailed.class);
            if (numerics != null) { // a known failure: its line, no stack trace
                System.err.println(name + ": failed: " + numerics.getMessage());
                return RUNTIME_FAILURE;
            }
            TrainingDiverged diverged = cause(e, TrainingDiverged.class);
            if (diverged != null) { // a known failure: its message says all, no stack trace
                LOG.error("{} stopped: {}", name, diverged.getMessage());
                System.err.println(name + ": failed: " + diverged.getMessage());
                return RUNTIME_FAILURE;
            }
            LOG.error("{} failed", name, e);
            System.err.println(name + ": failed: " + oneLine(e));
            return RUNTIME_FAILURE;
        }
    }

    /** A known failure raised on an executor arrives wrapped in Spark's exceptions; find it. */
    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Ends the JVM with {@link #execute}'s code; for {@code main}. */
    public static <O> void main(String name, O options, String[] args, Job<O> job) {
        int code = execute(name, options, args, job);
        if (code != OK || !insideYarnApplicationMaster()) {
            System.exit(code);
        }
    }

    /**
     * True when this driver runs inside YARN's application master (cluster mode; the AM sets
     * spark.yarn.app.id). There a successful {@code main} must return rather than exit: the AM reports
     * SUCCEEDED when it returns, and System.exit(0) pre-empts that ("Shutdown hook called before final
     * status was reported": FAILED after a success). A failure still exits, which the AM reports as FAILED.
     */
    static boolean insideYarnApplicationMaster() {
        return System.getProperty("spark.yarn.app.id") != null;
    }

    /** The options as a map (long option name without dashes to value), for run.json. */
    public static Map<String, Object> resolved(Object options) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (OptionSpec o : new CommandLine(options).getCommandSpec().options()) {
            if (!o.usageHelp()) {
                Object value = o.getValue();
                out.put(o.longestName().replaceFirst("^--", ""), value instanceof Enum<?> e ? label(e) : value);
            }
        }
        return out;
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof InputException) {
                break;
            }
            root = root.getCause();
        }
        String m = root.getClass().getSimpleName() + ": " + root.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Options classes that check combinations of values after parsing. */
    public interface Validated {
        void validate();
    }
}
