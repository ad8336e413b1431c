package ai.laes.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The data files of an input given as a file or a directory (as Spark reads it: every file below it whose name does
 * not start with {@code _} or {@code .}), and their provenance for run.json: each file's path relative to the location
 * the user gave, its size and its SHA-256. The digests are computed on the executors, one task per file, so a large
 * input is read once in parallel, never through the driver.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** The data files at {@code location}, sorted by path; an error if there are none. */
    public static List<FileStatus> list(String given, Path location, Configuration conf) {
        FileSystem fs = FileSystems.of(location, conf);
        List<FileStatus> files = new ArrayList<>();
        try {
            FileStatus status = fs.getFileStatus(location);
            if (status.isFile()) {
                files.add(status);
            } else {
                for (RemoteIterator<LocatedFileStatus> it = fs.listFiles(location, true); it.hasNext(); ) {
                    LocatedFileStatus f = it.next();
                    if (!hidden(location, f.getPath())) {
                        files.add(f);
                    }
                }
            }
        } catch (java.io.FileNotFoundException e) {
            throw new InputException(given + ": not found");
        } catch (IOException e) {
            throw new InputException(given + ": cannot be listed (" + e.getMessage() + ")", e);
        }
        if (files.isEmpty()) {
            throw new InputException(given + ": no data files in this directory");
        }
        files.sort(java.util.Comparator.comparing(f -> f.getPath().toString()));
        return files;
    }

    /** True if a path component below {@code root} starts with {@code _} or {@code .} (Spark skips those). */
    private static boolean hidden(Path root, Path file) {
        for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
            if (p.getName().startsWith("_") || p.getName().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The provenance of the data files at {@code location} (the user's {@code given} text): {@code path} as given and
     * {@code files}, a list of each file's {@code name} (relative to the location; the file's own name if the location
     * is a file), {@code bytes} and {@code sha256}.
     */
    public static Map<String, Object> describe(JavaSparkContext sc, String given, Path location, Configuration conf) {
        List<FileStatus> files = list(given, location, conf);
        List<String> paths = files.stream().map(f -> f.getPath().toString()).toList();
        SerializableConfiguration shipped = new SerializableConfiguration(conf);
        List<String> digests = sc.parallelize(paths, Math.max(1, Math.min(paths.size(), sc.defaultParallelism())))
                .map(p -> Checksums.sha256(new Path(p), shipped.value())).collect();
        String root = files.size() == 1 && files.get(0).getPath().equals(location) ? location.getParent().toString() : location.toString();
        List<Map<String, Object>> described = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", relative(root, paths.get(i)));
            f.put("bytes", files.get(i).getLen());
            f.put("sha256", digests.get(i));
            described.add(f);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", given);
        out.put("files", described);
        return out;
    }

    private static String relative(String root, String path) {
        String prefix = root.endsWith("/") ? root : root + "/";
        return path.startsWith(prefix) ? path.substring(prefix.length()) : new Path(path).getName();
    }
}
