package ai.laes.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

/** The element-wise tree sum from an empty zero value: exact sums, empty partitions, cached inputs left intact. */
class ArraySumsTest extends SparkTestBase {
    @Test
    void sumsAcrossPartitionsIncludingEmptyOnesAndLeavesCachedArraysAlone() {
        List<double[]> arrays = List.of(new double[] {1, 2, 3}, new double[] {10, 20, 30}, new double[] {100, 200, 300});
        // Four partitions for three arrays: one stays empty. Cached deserialised, so adopting an array would change the cache.
        JavaRDD<double[]> partials = jsc.parallelize(arrays, 4).persist(StorageLevel.MEMORY_ONLY());
        assertArrayEquals(new double[] {111, 222, 333}, ArraySums.treeSum(partials, 3), 0.0);
        assertArrayEquals(new double[] {111, 222, 333}, ArraySums.treeSum(partials, 3), 0.0, "the cached partials are unchanged");
        partials.unpersist();
    }

    @Test
    void noPartialsSumToZerosAndUnequalLengthsAreRefused() {
        assertArrayEquals(new double[4], ArraySums.treeSum(jsc.parallelize(List.<double[]>of(), 2), 4), 0.0);
        assertArrayEquals(new double[] {5}, ArraySums.add(new double[0], new double[] {5}), 0.0);
        assertThrows(IllegalArgumentException.class, () -> ArraySums.add(new double[2], new double[3]));
    }
}
