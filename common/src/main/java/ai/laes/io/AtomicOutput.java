package ai.laes.io;

import java.io.IOException;
import java.util.UUID;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's output directory, written whole or not at all: everything goes into a hidden temporary
 * sibling ({@code .NAME.tmp-UUID}), which {@link #commit()} marks with {@code _SUCCESS} and renames
 * into place. Closing without a commit deletes the temporary directory, so a failed job leaves no
 * output behind. An existing output is refused unless overwriting was asked for.
 */
public final class AtomicOutput implements AutoCloseable {
    /** The marker file of a complete output. */
    public static final String SUCCESS = "_SUCCESS";
    private static final Logger LOG = LoggerFactory.getLogger(AtomicOutput.class);

    private final FileSystem fs;
    private final Path target;
    private final Path work;
    private final boolean overwrite;
    private final boolean resumed;
    private boolean keep;
    private boolean committed;

    private AtomicOutput(FileSystem fs, Path target, Path work, boolean overwrite, boolean resumed) {
        this.fs = fs;
        this.target = target;
        this.work = work;
        this.overwrite = overwrite;
        this.resumed = resumed;
        this.keep = resumed;
    }

    /**
     * Checks that {@code location} may be written and creates the temporary directory. Call it
     * before any expensive work, so a refused output fails fast.
     */
    public static AtomicOutput begin(String location, boolean overwrite, Configuration conf) {
        Path target = FileSystems.qualified(location, conf);
        FileSystem fs = FileSystems.of(target, conf);
        try {
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw new InputException(location + ": output already exists (pass --overwrite to replace it)");
                }
                if (fs.getFileStatus(target).isFile()) {
                    throw new InputException(location + ": output exists and is a file, not a directory");
                }
            }
            Path parent = target.getParent();
            if (parent != null && !fs.exists(parent) && !fs.mkdirs(parent)) {
                throw new InputException(location + ": cannot create the parent directory " + parent);
            }
            Path work = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
            if (!fs.mkdirs(work)) {
                throw new InputException(location + ": cannot create a directory beside it");
            }
            return new AtomicOutput(fs, target, work, overwrite, false);
        } catch (org.apache.hadoop.security.AccessControlException e) {
            throw new InputException(location + ": permission denied (" + firstLine(e) + ")");
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("Permission denied")) {
                throw new InputException(location + ": permission denied");
            }
            throw new InputException(location + ": cannot be written (" + firstLine(e) + ")", e);
        }
    }

    /** The in-progress directory of a resumable output {@code target}: {@code .NAME.inprogress}. */
    public static Path inProgress(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".inprogress");
    }

    /**
     * The output of a long, resumable job: the work directory has the deterministic name
     * {@link #inProgress} and survives a failed or killed driver once {@link #keepOnFailure()} says it
     * holds progress worth keeping; a later run with {@code resume} continues in it. An unfinished
     * run is never silently discarded: without {@code resume} it is refused unless {@code overwrite}.
     */
    public static AtomicOutput resumable(String location, boolean overwrite, boolean resume, Configuration conf) {
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
            return new AtomicOutput(fs, target, work, overwrite, unfinished && resume);
        } catch (IOException e) {
            throw new InputException(location + ": cannot be written (" + firstLine(e) + ")", e);
        }
    }

    /**
     * Turns the committed output {@code location} back into the unfinished run it was: renamed to {@link #inProgress},
     * its {@code _SUCCESS} removed. For a job that continues a finished run with a larger budget; the following
     * {@link #resumable} with {@code resume} continues in it and commits it again. Until that commit the output is
     * not at {@code location}, but a failed continuation leaves it resumable, never lost. Costs two renames.
     */
    public static void reopen(String location, Configuration conf) {
        Path target = FileSystems.qualified(location, conf);
        FileSystem fs = FileSystems.of(target, conf);
        Path work = inProgress(target);
        try {
            if (fs.exists(work)) {
                throw new InputException(location + ": both a finished run and an unfinished one (" + work
                        + ") are there; remove one (or pass --overwrite to start over)");
            }
            if (!fs.rename(target, work) || !fs.delete(new Path(work, SUCCESS), false)) {
                throw new IOException("rename " + target + " -> " + work + " failed");
            }
            LOG.info("{}: the finished run is continued in {}", location, work);
        } catch (IOException e) {
            throw new InputException(location + ": cannot be reopened (" + firstLine(e) + ")", e);
        }
    }

    /** True if this run continues an unfinished one (see {@link #resumable}). */
    public boolean resumed() {
        return resumed;
    }

    /** From now on a failure keeps the work directory (it holds a checkpoint to resume from). */
    public void keepOnFailure() {
        keep = true;
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Where the job writes its files until the commit. */
    public Path work() {
        return work;
    }

    /** {@code name} inside the work directory. */
    public Path file(String name) {
        return new Path(work, name);
    }

    /** The final location. */
    public Path target() {
        return target;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    /** Writes {@code _SUCCESS} last and renames the work directory into place. */
    public void commit() {
        try {
            fs.create(new Path(work, SUCCESS), true).close();
            Path old = null;
            if (fs.exists(target)) {
                if (!overwrite) {
                    throw new InputException(target + ": output appeared while the job ran; not replaced");
                }
                old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
                rename(target, old);
            }
            rename(work, target);
            committed = true;
            if (old != null) {
                fs.delete(old, true);
            }
            LOG.info("Committed {}", target);
        } catch (IOException e) {
            throw FileSystems.unchecked("committing " + target, e);
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }

    /** Deletes the work directory unless committed or kept for a resume. */
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

    /** True if {@code location} holds a committed output (with {@code _SUCCESS}). */
    public static boolean isComplete(Path location, Configuration conf) {
        return FileSystems.exists(new Path(location, SUCCESS), conf);
    }
}
