package ai.laes.train;

import java.io.IOException;
import java.util.UUID;

import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output of a long, resumable job. Like {@link AtomicOutput}, work happens in a hidden sibling
 * and a commit writes {@code _SUCCESS} and renames it into place; unlike it, the sibling has a
 * deterministic name, {@code .NAME.inprogress}, and survives a failed or killed driver as long as
 * it holds progress worth keeping: a later run with {@code --resume} continues in it. An unfinished
 * run is never silently discarded: without {@code --resume} it is refused unless
 * {@code --overwrite} is given.
 */
public final class ResumableOutput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResumableOutput.class);
    private final FileSystem fs;
    private final Path target;
    private final Path work;
    private final boolean overwrite;
    private final boolean resumed;
    private boolean keep;
    private boolean committed;

    private ResumableOutput(FileSystem fs, Path target, Path work, boolean overwrite, boolean resumed) {
        this.fs = fs;
        this.target = target;
        this.work = work;
        this.overwrite = overwrite;
        this.resumed = resumed;
        this.keep = resumed;
    }

    /** The in-progress directory of output {@code target}. */
    public static Path inProgress(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".inprogress");
    }

    public static ResumableOutput begin(String location, boolean overwrite, boolean resume, Configuration conf) {
        Path target = FileSystems.qualified(location, conf);
        FileSystem fs = FileSystems.of(target, conf);
        Path work = inProgress(target);
        try {
            if (fs.exists(target) && !overwrite) {
                throw new InputException(location + ": output already exists (pass --overwrite to replace it)");
            }
            boolean unfinished = fs.exists(work);
            if (unfinished && !resume) {
                if (!overwrite) {
                    throw new InputException(location + ": an unfinished run is in " + work
                            + " (pass --resume to continue it, or --overwrite to start over)");
                }
                fs.delete(work, true);
            }
            if (!unfinished && resume) {
                LOG.info("{}: nothing to resume, starting a new run", location);
            }
            if (!fs.exists(work) && !fs.mkdirs(work)) {
                throw new InputException(location + ": cannot create " + work);
            }
            return new ResumableOutput(fs, target, work, overwrite, unfinished && resume);
        } catch (IOException e) {
            throw new InputException(location + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    /** True if this run continues an unfinished one. */
    public boolean resumed() {
        return resumed;
    }

    public Path work() {
        return work;
    }

    public Path file(String name) {
        return new Path(work, name);
    }

    public Path target() {
        return target;
    }

    /** From now on a failure keeps the in-progress directory (it holds a checkpoint). */
    public void keepOnFailure() {
        keep = true;
    }

    public void commit() {
        try {
            fs.create(new Path(work, AtomicOutput.SUCCESS), true).close();
            Path old = null;
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw new InputException(target + ": output appeared while the job ran; not replaced");
                }
                old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
                if (!fs.rename(target, old)) {
                    throw new IOException("rename " + target + " -> " + old + " failed");
                }
            }
            if (!fs.rename(work, target)) {
                throw new IOException("rename " + work + " -> " + target + " failed");
            }
            committed = true;
            if (old != null) {
                fs.delete(old, true);
            }
            LOG.info("Committed {}", target);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("committing " + target + ": " + e.getMessage(), e);
        }
    }

    /** Without a commit: deletes the in-progress directory unless it holds progress to resume from. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        if (keep) {
            LOG.warn("Unfinished run kept in {}; rerun with --resume to continue it", work);
            return;
        }
        try {
            fs.delete(work, true);
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", work, e.getMessage());
        }
    }
}
