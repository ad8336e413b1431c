package ai.laes.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import ai.laes.io.FileSystems;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A text file of per-epoch lines (metrics.jsonl, gradients.csv) with an optional header. Appending
 * rewrites the file through a temporary sibling and a rename (many Hadoop file systems cannot
 * append), so a killed driver leaves either the old or the new file. On resume the lines of epochs
 * after the restored checkpoint are dropped.
 */
public final class EpochLog {
    private final Path path;
    private final String header;
    private final ToIntFunction<String> epochOf;
    private final Configuration conf;

    public EpochLog(Path path, String header, ToIntFunction<String> epochOf, Configuration conf) {
        this.path = path;
        this.header = header;
        this.epochOf = epochOf;
        this.conf = conf;
    }

    /** The data lines (without the header). */
    public List<String> lines() {
        FileSystem fs = FileSystems.of(path, conf);
        List<String> out = new ArrayList<>();
        try {
            if (!fs.exists(path)) {
                return out;
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
                String line;
                boolean first = true;
                while ((line = r.readLine()) != null) {
                    if (!(first && header != null) && !line.isBlank()) {
                        out.add(line);
                    }
                    first = false;
                }
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading " + path, e);
        }
    }

    public void append(List<String> more) {
        List<String> all = lines();
        all.addAll(more);
        write(all);
    }

    /** Drops the lines of epochs after {@code epoch}. */
    public void keepUpTo(int epoch) {
        write(lines().stream().filter(l -> epochOf.applyAsInt(l) <= epoch).toList());
    }

    private void write(List<String> lines) {
        FileSystem fs = FileSystems.of(path, conf);
        Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp");
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                StringBuilder s = new StringBuilder();
                if (header != null) {
                    s.append(header).append('\n');
                }
                lines.forEach(l -> s.append(l).append('\n'));
                out.write(s.toString().getBytes(StandardCharsets.UTF_8));
            }
            ModelFiles.replace(fs, tmp, path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing " + path, e);
        }
    }
}
