package ai.laes.data;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The {@link DatasetInfo} of MNIST prepared in its own layout: k = 1, T_max = 784 (every sequence is a whole image),
 * classes "0" .. "9", and the counts per split and digit counted from the labels the driver read anyway (the
 * training split's counts times the copies of {@code --replicate}).
 */
public final class MnistDataset {
    private MnistDataset() {
    }

    /** The description of {@code train} and {@code test} as split by {@link Split}, with {@code copies} of the training set. */
    public static DatasetInfo describe(MnistImages train, MnistImages test, int copies, Map<String, Object> source) {
        Map<Split, long[]> counts = new EnumMap<>(Split.class);
        counts.put(Split.TRAIN, perDigit(train, 0, Split.TRAIN_SIZE, copies));
        counts.put(Split.VALIDATION, perDigit(train, Split.TRAIN_SIZE, train.count(), 1));
        counts.put(Split.TEST, perDigit(test, 0, test.count(), 1));
        long total = counts.values().stream().flatMapToLong(java.util.Arrays::stream).sum();
        LengthDistribution lengths = new LengthDistribution(Map.of(MnistImages.PIXELS, total));
        List<String> classes = IntStream.range(0, MnistImages.CLASSES).mapToObj(Integer::toString).toList();
        return new DatasetInfo(ShardLayout.MNIST, 1, MnistImages.PIXELS, LabelKind.INTEGER, classes, counts,
                lengths.toJson(), new LinkedHashMap<>(source));
    }

    /**
     * MNIST's layout as a dataset prepared before dataset.json existed is assumed to have: k = 1, T_max = 784, classes
     * "0" .. "9"; its counts are unknown (0; the lengths' JSON counts one sequence of 784 steps).
     */
    public static DatasetInfo assumed() {
        List<String> classes = IntStream.range(0, MnistImages.CLASSES).mapToObj(Integer::toString).toList();
        return new DatasetInfo(ShardLayout.MNIST, 1, MnistImages.PIXELS, LabelKind.INTEGER, classes, Map.of(),
                new LengthDistribution(Map.of(MnistImages.PIXELS, 1L)).toJson(), Map.of("format", "mnist"));
    }

    private static long[] perDigit(MnistImages images, int from, int to, int copies) {
        long[] c = new long[MnistImages.CLASSES];
        for (int i = from; i < to; i++) {
            c[images.label(i)] += copies;
        }
        return c;
    }
}
