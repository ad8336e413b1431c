package ai.laes.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code dataset.json}, what every later job reads about a prepared dataset: its shard {@link ShardLayout}, the
 * features per step {@code k}, the longest sequence {@code t_max}, the {@link LengthDistribution}, the label type and
 * the class names in index order, the number of sequences per split and class, and its source (format, inputs with
 * their checksums, the options that shaped it).
 */
public final class DatasetInfo {
    /** The file name inside a prepared dataset. */
    public static final String FILE = "dataset.json";
    /** The version of this file's format. */
    public static final int VERSION = 1;

    private final ShardLayout layout;
    private final int k;
    private final int tMax;
    private final LabelKind labelKind;
    private final List<String> classes;
    private final Map<Split, long[]> counts;
    private final Map<String, Object> lengths;
    private final Map<String, Object> source;

    /**
     * A dataset of {@code classes} (names in index order) whose split {@code s} has {@code counts.get(s)[c]} sequences
     * of class {@code c}; {@code lengths} is the JSON of its {@link LengthDistribution}, {@code source} what it was
     * made from.
     */
    public DatasetInfo(ShardLayout layout, int k, int tMax, LabelKind labelKind, List<String> classes,
            Map<Split, long[]> counts, Map<String, Object> lengths, Map<String, Object> source) {
        this.layout = layout;
        this.k = k;
        this.tMax = tMax;
        this.labelKind = labelKind;
        this.classes = List.copyOf(classes);
        this.counts = new LinkedHashMap<>(counts);
        this.lengths = lengths;
        this.source = source;
    }

    public ShardLayout layout() {
        return layout;
    }

    /** Features per step. */
    public int k() {
        return k;
    }

    /** The longest sequence's steps. */
    public int tMax() {
        return tMax;
    }

    /** The shortest sequence's steps ({@code lengths.min}; T_max if the lengths do not say). */
    public int minLength() {
        return lengths != null && lengths.get("min") instanceof Number n ? n.intValue() : tMax;
    }

    public LabelKind labelKind() {
        return labelKind;
    }

    /** The class names, in index order. */
    public List<String> classes() {
        return classes;
    }

    /** Sequences of split {@code split} per class index. */
    public long[] counts(Split split) {
        return counts.getOrDefault(split, new long[classes.size()]).clone();
    }

    /** The JSON object written as dataset.json. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", VERSION);
        json.put("layout", layout.id());
        json.put("k", k);
        json.put("t_max", tMax);
        json.put("lengths", lengths);
        json.put("label_type", labelKind.id());
        json.put("classes", classes);
        Map<String, Object> perSplit = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            long[] c = counts(split);
            Map<String, Object> perClass = new LinkedHashMap<>();
            for (int i = 0; i < classes.size(); i++) {
                perClass.put(classes.get(i), c[i]);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("total", java.util.Arrays.stream(c).sum());
            entry.put("per_class", perClass);
            perSplit.put(split.dir(), entry);
        }
        json.put("counts", perSplit);
        json.put("source", source);
        return json;
    }

    /** What run.json records of the dataset: its layout, k, T_max and the classes. */
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("layout", layout.id());
        s.put("k", k);
        s.put("t_max", tMax);
        s.put("classes", classes);
        return s;
    }

    /** Writes {@code dataset.json} into the (work directory of the) prepared dataset {@code dir}. */
    public void write(Path dir, Configuration conf) {
        RunInfo.writeJson(new Path(dir, FILE), conf, toJson());
    }

    /** Reads {@code dataset.json} of the prepared dataset {@code prepared}; a missing or malformed file is an input error. */
    @SuppressWarnings("unchecked")
    public static DatasetInfo read(Path prepared, Configuration conf) {
        Path file = new Path(prepared, FILE);
        Map<String, Object> json = RunInfo.readJson(file, conf);
        try {
            List<String> classes = new ArrayList<>((List<String>) json.get("classes"));
            Map<Split, long[]> counts = new LinkedHashMap<>();
            Map<String, Object> perSplit = (Map<String, Object>) json.get("counts");
            for (Split split : Split.values()) {
                Map<String, Object> perClass = (Map<String, Object>) ((Map<String, Object>) perSplit.get(split.dir())).get("per_class");
                long[] c = new long[classes.size()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = ((Number) perClass.get(classes.get(i))).longValue();
                }
                counts.put(split, c);
            }
            return new DatasetInfo(ShardLayout.valueOf(((String) json.get("layout")).toUpperCase(java.util.Locale.ROOT)),
                    ((Number) json.get("k")).intValue(), ((Number) json.get("t_max")).intValue(),
                    LabelKind.valueOf(((String) json.get("label_type")).toUpperCase(java.util.Locale.ROOT)), classes, counts,
                    (Map<String, Object>) json.get("lengths"), (Map<String, Object>) json.get("source"));
        } catch (RuntimeException e) {
            throw new InputException(file + ": not a dataset description (" + e + ")", e);
        }
    }
}
