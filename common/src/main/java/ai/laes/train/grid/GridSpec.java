package ai.laes.train.grid;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.lmn.init.InitScheme;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A model-selection grid: for some fine-tuning options a list of values (HOCON, one top-level key per option,
 * e.g. {@code learning-rate = [1e-4, 1e-3]}); the configurations are every combination, in the order of
 * {@link Key} with the last key varying fastest. Each configuration has a stable id made of its values
 * ({@code lr0.001-op0.01-dp0.25}), the same for the same values whatever the file's layout, so a resumed grid finds
 * its runs again. Options not in the grid keep the fine-tune job's defaults.
 * <p>
 * A grid may also be a union of such grids, for configurations that are no product, e.g. the reference's orthogonal
 * start, which it always trains with the orthogonality penalty, beside starts trained without it:
 * {@code union = [{init-scheme = [laes, random]}, {init-scheme = orthogonal, orthogonality-penalty = [1e-2, 1e-1]}]};
 * top-level lists beside {@code union} apply to every part ({@code learning-rate = [1e-4]}). Each part's
 * configurations follow the previous part's; a configuration listed by two parts is refused.
 */
public final class GridSpec {
    /** The reference grid (Carta et al.): learning rate x orthogonality penalty x detach probability, 40 configurations. */
    public static final String REFERENCE = "learning-rate = [1e-4, 1e-3]\n"
            + "orthogonality-penalty = [1e-4, 1e-3, 1e-2, 1e-1]\n"
            + "detach-probability = [0, 0.1, 0.25, 0.5, 1]\n";

    /** What a value must be. */
    enum Kind { POSITIVE, NON_NEGATIVE, PROBABILITY, POSITIVE_INT, INIT_SCHEME }

    /** The options a grid may vary: the fine-tune option name, a short name for ids, the values allowed. */
    public enum Key {
        INIT_SCHEME("init-scheme", "init", Kind.INIT_SCHEME),
        LEARNING_RATE("learning-rate", "lr", Kind.POSITIVE),
        ORTHOGONALITY_PENALTY("orthogonality-penalty", "op", Kind.NON_NEGATIVE),
        DETACH_PROBABILITY("detach-probability", "dp", Kind.PROBABILITY),
        WEIGHT_DECAY("weight-decay", "wd", Kind.NON_NEGATIVE),
        CLIP_NORM("clip-norm", "clip", Kind.NON_NEGATIVE),
        BATCH_SIZE("batch-size", "bs", Kind.POSITIVE_INT);

        private final String option;
        private final String shortName;
        private final Kind kind;

        Key(String option, String shortName, Kind kind) {
            this.option = option;
            this.shortName = shortName;
            this.kind = kind;
        }

        /** The fine-tune option name without dashes, as in the grid file. */
        public String option() {
            return option;
        }

        /** The key of grid option {@code option}; {@code where} starts the one-line error when no key has that name. */
        public static Key named(String option, String where) {
            for (Key k : values()) {
                if (k.option.equals(option)) {
                    return k;
                }
            }
            throw new InputException(where + ": unknown option (a grid varies " + optionNames() + ")");
        }

        /** {@code raw} as this key's canonical value (plain decimals, lower-case names), or why it is refused. */
        String canonical(ConfigValue raw, String where) {
            Object v = raw.unwrapped();
            if (kind == Kind.INIT_SCHEME) {
                for (InitScheme s : InitScheme.values()) {
                    if (s.name().equalsIgnoreCase(String.valueOf(v))) {
                        return s.name().toLowerCase(Locale.ROOT);
                    }
                }
                throw new InputException(where + ": '" + v + "' is not one of laes, orthogonal, random");
            }
            if (raw.valueType() != ConfigValueType.NUMBER) {
                throw new InputException(where + ": '" + v + "' is not a number");
            }
            double d = ((Number) v).doubleValue();
            boolean ok = switch (kind) {
                case POSITIVE -> d > 0 && Double.isFinite(d);
                case NON_NEGATIVE -> d >= 0 && Double.isFinite(d);
                case PROBABILITY -> d >= 0 && d <= 1;
                case POSITIVE_INT -> d >= 1 && d == Math.rint(d) && d <= Integer.MAX_VALUE;
                default -> false;
            };
            if (!ok) {
                throw new InputException(where + ": " + v + " " + switch (kind) {
                    case POSITIVE -> "must be positive";
                    case NON_NEGATIVE -> "must be 0 or positive";
                    case PROBABILITY -> "must be in [0, 1]";
                    default -> "must be a whole number of at least 1";
                });
            }
            return kind == Kind.POSITIVE_INT ? Long.toString((long) d)
                    : new BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
        }
    }

    /** One configuration: its position in the grid, its id and its value per grid key (canonical strings). */
    public record Point(int index, String id, Map<Key, String> values) {
        /** The values as fine-tune command-line options ({@code --learning-rate 0.001 ...}). */
        public List<String> args() {
            List<String> out = new ArrayList<>();
            values.forEach((k, v) -> {
                out.add("--" + k.option());
                out.add(v);
            });
            return out;
        }
    }

    /** The HOCON key of a union of grids. */
    public static final String UNION = "union";

    /** The grids whose configurations this one lists, in order (one for a plain grid). */
    private final List<Map<Key, List<String>>> parts;

    private GridSpec(List<Map<Key, List<String>>> parts) {
        this.parts = parts;
    }

    /** The built-in {@link #REFERENCE} grid. */
    public static GridSpec reference() {
        return parse("the reference grid", REFERENCE);
    }

    /** The grid in HOCON file {@code location} (any Hadoop file system); errors name the file and the key. */
    public static GridSpec read(String location, Configuration conf) {
        Path path = FileSystems.qualified(location, conf);
        if (!FileSystems.exists(path, conf)) {
            throw new InputException("--grid " + location + ": file not found");
        }
        try (InputStream in = FileSystems.of(path, conf).open(path)) {
            return parse("--grid " + location, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputException("--grid " + location + ": not readable (" + e.getMessage() + ")", e);
        }
    }

    /** The grid in HOCON {@code text}; {@code name} starts every error message. */
    public static GridSpec parse(String name, String text) {
        Config config;
        try {
            config = ConfigFactory.parseString(text).resolve();
        } catch (ConfigException e) {
            throw new InputException(name + ": not valid HOCON (" + e.getMessage().replaceAll("\\s+", " ") + ")");
        }
        Map<Key, List<String>> shared = lists(name, config.root().withoutKey(UNION).toConfig(), !config.hasPath(UNION));
        List<Map<Key, List<String>>> parts = new ArrayList<>();
        if (!config.hasPath(UNION)) {
            parts.add(shared);
        } else {
            List<? extends ConfigValue> items = config.root().get(UNION) instanceof ConfigList list ? list : List.of();
            if (items.isEmpty()) {
                throw new InputException(name + ": " + UNION + " must be a non-empty list of grids ({option = [values]})");
            }
            for (int i = 0; i < items.size(); i++) {
                String where = name + ": " + UNION + "[" + i + "]";
                if (!(items.get(i) instanceof ConfigObject part)) {
                    throw new InputException(where + ": not a grid ({option = [values]})");
                }
                Map<Key, List<String>> own = lists(where, part.toConfig(), true);
                for (Key k : own.keySet()) {
                    if (shared.containsKey(k)) {
                        throw new InputException(where + ": " + k.option() + " is also listed for every part");
                    }
                }
                Map<Key, List<String>> merged = new LinkedHashMap<>();
                for (Key k : Key.values()) {
                    List<String> v = shared.containsKey(k) ? shared.get(k) : own.get(k);
                    if (v != null) {
                        merged.put(k, v);
                    }
                }
                parts.add(merged);
            }
        }
        GridSpec grid = new GridSpec(parts);
        grid.checkUnique(name);
        return grid;
    }

    /** The lists of one grid's {@code config}, in key order; {@code required}: an empty grid is refused. */
    private static Map<Key, List<String>> lists(String name, Config config, boolean required) {
        Set<String> given = config.root().keySet();
        if (given.isEmpty() && required) {
            throw new InputException(name + ": no options (expected lists for some of " + optionNames() + ")");
        }
        Map<Key, List<String>> lists = new LinkedHashMap<>();
        for (String option : given) {
            Key.named(option, name + ": " + option);
        }
        for (Key key : Key.values()) {
            if (!given.contains(key.option())) {
                continue;
            }
            String where = name + ": " + key.option();
            ConfigValue value = config.root().get(key.option());
            List<ConfigValue> items = value instanceof ConfigList list ? list : List.of(value);
            if (items.isEmpty()) {
                throw new InputException(where + ": empty list (give at least one value)");
            }
            List<String> values = new ArrayList<>();
            for (ConfigValue item : items) {
                String v = key.canonical(item, where);
                if (values.contains(v)) {
                    throw new InputException(where + ": " + v + " is listed twice");
                }
                values.add(v);
            }
            lists.put(key, List.copyOf(values));
        }
        return lists;
    }

    /** A configuration listed twice (by two parts of a union) is refused with its id. */
    private void checkUnique(String name) {
        Set<String> seen = new java.util.HashSet<>();
        for (Point p : points()) {
            if (!seen.add(p.id())) {
                throw new InputException(name + ": configuration " + p.id() + " is listed twice");
            }
        }
    }

    private static List<String> optionNames() {
        return java.util.Arrays.stream(Key.values()).map(Key::option).toList();
    }

    /** The grid's lists by option name, in key order (for run.json); of a union, each option's values over all parts. */
    public Map<String, List<String>> lists() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Key k : keys()) {
            out.put(k.option(), valuesOf(k));
        }
        return out;
    }

    /**
     * The values this grid lists for {@code key}, in the file's order (of a union, in the parts' order); {@code where}
     * starts the one-line error when the grid does not list {@code key} (e.g. {@code --best-per weight-decay} of a grid
     * of learning rates).
     */
    public List<String> values(Key key, String where) {
        if (!keys().contains(key)) {
            throw new InputException(where + ": not an option of this grid (it varies "
                    + keys().stream().map(Key::option).toList() + ")");
        }
        return valuesOf(key);
    }

    private List<String> valuesOf(Key key) {
        List<String> out = new ArrayList<>();
        for (Map<Key, List<String>> part : parts) {
            for (String v : part.getOrDefault(key, List.of())) {
                if (!out.contains(v)) {
                    out.add(v);
                }
            }
        }
        return List.copyOf(out);
    }

    /** The keys this grid varies (any part of a union), in key order. */
    public List<Key> keys() {
        return java.util.Arrays.stream(Key.values()).filter(k -> parts.stream().anyMatch(p -> p.containsKey(k))).toList();
    }

    /** Every combination of each part, the last key varying fastest; the parts one after the other. */
    public List<Point> points() {
        List<Point> out = new ArrayList<>();
        for (Map<Key, List<String>> lists : parts) {
            List<Key> keys = List.copyOf(lists.keySet());
            int total = 1;
            for (Key k : keys) {
                total *= lists.get(k).size();
            }
            for (int i = 0; i < total; i++) {
                Map<Key, String> values = new LinkedHashMap<>();
                int rest = i;
                for (int k = keys.size() - 1; k >= 0; k--) {
                    List<String> options = lists.get(keys.get(k));
                    values.put(keys.get(k), options.get(rest % options.size()));
                    rest /= options.size();
                }
                Map<Key, String> ordered = new LinkedHashMap<>();
                keys.forEach(k -> ordered.put(k, values.get(k)));
                out.add(new Point(out.size(), id(ordered), ordered));
            }
        }
        return out;
    }

    private static String id(Map<Key, String> values) {
        StringBuilder s = new StringBuilder();
        values.forEach((k, v) -> s.append(s.length() == 0 ? "" : "-").append(k.shortName).append(v));
        return s.toString();
    }
}
