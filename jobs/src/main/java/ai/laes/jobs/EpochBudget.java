package ai.laes.jobs;

import java.util.Map;

import ai.laes.io.AtomicOutput;
import ai.laes.io.FileSystems;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code --resume} with another {@code --epochs}: a larger budget continues a run from its last checkpoint, a finished
 * (committed) run included, which is reopened ({@link AtomicOutput#reopen}) and committed again at its new end; a
 * smaller one is refused with one line, since the run's best epoch and its evaluation may lie past it. The run's
 * budget is read from the options file it saved ({@code options.json} of the fine-tune job, the grid's
 * {@code configurations.json}).
 */
final class EpochBudget {
    private EpochBudget() {
    }

    /** The options of a job whose epoch budget can grow on {@code --resume}. */
    interface Budgeted {
        /** The budget asked for now. */
        int epochs();

        /** The file, in the job's output, where it saves its resolved options when it starts. */
        String savedOptions();

        /** The budget those saved options gave the run. */
        int savedEpochs(Map<String, Object> saved);
    }

    /**
     * True if {@code o} asks a larger budget than the finished run at {@code location} had (the job then continues it);
     * a smaller one is refused.
     */
    static boolean grows(Budgeted o, String location, Configuration conf) {
        Integer before = saved(o, FileSystems.qualified(location, conf), conf);
        return before != null && checked(o, location, before) > before;
    }

    /**
     * Before a resumed job opens its output {@code location} (an unfinished or a committed run): refused if
     * {@code o.epochs()} is below the saved budget; a committed run given a larger one is reopened. True if the budget
     * changed (the caller saves the new one).
     */
    static boolean check(Budgeted o, String location, Configuration conf) {
        Path target = FileSystems.qualified(location, conf);
        boolean finished = AtomicOutput.isComplete(target, conf);
        Integer before = saved(o, finished ? target : AtomicOutput.inProgress(target), conf);
        if (before == null) {
            return false;
        }
        if (finished && checked(o, location, before) > before) {
            AtomicOutput.reopen(location, conf);
        }
        return o.epochs() != before;
    }

    private static int checked(Budgeted o, String location, int before) {
        if (o.epochs() < before) {
            throw new InputException("--resume: --epochs " + o.epochs() + " is fewer than the " + before + " the run at "
                    + location + " was given (a budget can only grow; pass --overwrite to start over)");
        }
        return o.epochs();
    }

    /** The budget saved in run directory {@code dir}, or null if it saved none. */
    private static Integer saved(Budgeted o, Path dir, Configuration conf) {
        Path saved = new Path(dir, o.savedOptions());
        return FileSystems.exists(saved, conf) ? o.savedEpochs(RunInfo.readJson(saved, conf)) : null;
    }
}
