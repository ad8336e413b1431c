package ai.laes.jobs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The WARN (and worse) lines Spark logs in this JVM while it is open: a log4j2 logger for
 * {@code org.apache.spark} at WARN with its own appender (the tests' configuration shows only
 * errors, so nothing else changes; the lines are kept, not printed). The production configuration
 * ({@code conf/log4j2.properties}) prints Spark's WARN lines, so these are what a user would see.
 */
final class SparkWarnings implements AutoCloseable {
    private static final String LOGGER = "org.apache.spark";
    /** Spark's warnings about what a task carries: "... contains a task of very large size" and "Broadcasting large task binary". */
    private static final Pattern TASK_SIZE = Pattern.compile("task of very large size|large task binary");

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = LoggerContext.getContext(false);
    private final AbstractAppender appender;

    private SparkWarnings() {
        appender = new AbstractAppender("spark-warnings", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerConfig spark = new LoggerConfig(LOGGER, Level.WARN, false);
        spark.addAppender(appender, Level.WARN, null);
        context.getConfiguration().addLogger(LOGGER, spark);
        context.updateLoggers();
    }

    /** Starts capturing. */
    static SparkWarnings capture() {
        return new SparkWarnings();
    }

    /** Every WARN or worse line so far. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines about oversized tasks or task binaries, which a user cannot act on. */
    List<String> aboutTaskSizes() {
        return lines.stream().filter(l -> TASK_SIZE.matcher(l).find()).toList();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.removeLogger(LOGGER);
        context.updateLoggers();
        appender.stop();
    }
}
