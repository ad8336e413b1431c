package ai.laes.jobs;

import java.io.File;

import ai.laes.io.InputException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from HOCON: the built-in {@code reference.conf} (section {@code laes.JOB}),
 * overlaid by the user's {@code --config FILE}. Command-line flags override both.
 */
final class HoconDefaults implements IDefaultValueProvider {
    private final Config section;

    HoconDefaults(String job, String configFile) {
        Config base = ConfigFactory.defaultReference();
        Config config = base;
        if (configFile != null) {
            File file = new File(configFile);
            if (!file.isFile()) {
                throw new InputException("--config " + configFile + ": file not found");
            }
            try {
                config = ConfigFactory.parseFile(file).withFallback(base).resolve();
            } catch (ConfigException e) {
                throw new InputException("--config " + configFile + ": " + e.getMessage());
            }
        }
        this.section = config.hasPath("laes." + job) ? config.getConfig("laes." + job) : ConfigFactory.empty();
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        String key = option.longestName().replaceFirst("^--", "");
        return section.hasPath(key) ? section.getValue(key).unwrapped().toString() : null;
    }

    /** The value of {@code --config} in {@code args}, or null; read before parsing so defaults can use it. */
    static String configFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith("--config=")) {
                return args[i].substring("--config=".length());
            }
        }
        return null;
    }
}
