package ai.laes.jobs;

import picocli.CommandLine.Option;

/** The options every job shares (a picocli mixin): its output, overwriting, a HOCON config, help. */
public final class OutputOptions {
    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output directory (must not exist unless --overwrite); any Hadoop FileSystem.")
    String out;

    @Option(names = "--overwrite", description = "Replace an existing output (and discard an unfinished resumable run).")
    boolean overwrite;

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON file overriding the built-in defaults (section laes.<job>).")
    String config;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;
}
