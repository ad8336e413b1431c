package ai.laes.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import ai.laes.report.ReportPage;
import ai.laes.train.grid.GridSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --best-per OPTION}: for each value the grid lists for one of its options, the configuration with the lowest
 * validation loss among those with that value ({@link GridJob#select}, so ties go to the first in grid order) and its
 * test evaluation; e.g. which initialisation scheme is best once each has its own best hyperparameters. Written as
 * {@code best-per-OPTION/VALUE/} folders ({@link GridEvaluations}), the table {@code best_per_OPTION.csv} (dashes as
 * underscores) and an entry of run.json.
 */
final class GridBestPer {
    private static final Logger LOG = LoggerFactory.getLogger(GridBestPer.class);

    /** One value's selection and its test evaluation. */
    record Row(String value, GridJob.Config config, GridRun run, Map<String, Object> evaluation) {
        /** The row as run.json records it. */
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("value", value);
            m.put("configuration", run.id());
            m.put("best_epoch", run.bestEpoch());
            m.put("best_val_loss", run.bestValLoss());
            m.put("best_val_accuracy", run.bestValAccuracy());
            m.put("test_loss", evaluation.get("loss"));
            m.put("test_accuracy", evaluation.get("accuracy"));
            return m;
        }
    }

    private final GridSpec.Key key;
    private final List<String> values;

    /** Per value of {@code key}, which {@code grid} must list ({@code gridName} starts the one-line error if not). */
    GridBestPer(GridSpec.Key key, GridSpec grid, String gridName) {
        this.key = key;
        this.values = grid.values(key, "--best-per " + key.option() + ": " + gridName);
    }

    /** The folder of the per-value selections, {@code best-per-OPTION}. */
    String folder() {
        return "best-per-" + key.option();
    }

    /** The table's file name, {@code best_per_OPTION.csv}. */
    String table() {
        return "best_per_" + key.option().replace('-', '_') + ".csv";
    }

    /**
     * Selects and evaluates the best configuration of each value ({@code configs} and their {@code runs} in grid order)
     * into {@code work}/{@link #folder()}/VALUE/, writes the table; the rows, in the grid's order of values. A value none
     * of whose configurations has a validation loss is left out (with a warning).
     */
    List<Row> write(List<GridJob.Config> configs, List<GridRun> runs, GridEvaluations evaluations, Path work, Configuration conf) {
        List<Row> rows = new ArrayList<>();
        for (String value : values) {
            List<GridRun> among = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                if (value.equals(configs.get(i).point().values().get(key))) {
                    among.add(runs.get(i));
                }
            }
            Optional<GridRun> best = GridJob.best(among);
            if (best.isEmpty()) {
                LOG.warn("grid: no configuration with {} {} has a validation loss; no best for it", key.option(), value);
                continue;
            }
            GridRun run = best.get();
            LOG.info("grid: best with {} {}: {} (best epoch {}, validation loss {})", key.option(), value, run.id(), run.bestEpoch(),
                    run.bestValLoss());
            Map<String, Object> evaluation = evaluations.write(run, new Path(new Path(work, folder()), value),
                    "grid: test the best per " + key.option());
            rows.add(new Row(value, configs.get(runs.indexOf(run)), run, evaluation));
        }
        writeCsv(new Path(work, table()), rows, conf);
        return rows;
    }

    /** run.json's record of the rows. */
    Map<String, Object> record(List<Row> rows) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("option", key.option());
        m.put("folder", folder());
        m.put("values", rows.stream().map(Row::toMap).toList());
        return m;
    }

    /** value, configuration, the grid-able options, best epoch, validation loss and accuracy, test loss and accuracy. */
    private static void writeCsv(Path csv, List<Row> rows, Configuration conf) {
        StringBuilder s = new StringBuilder("value,configuration").append(GridJob.optionHeader())
                .append(",best_epoch,best_val_loss,best_val_accuracy,test_loss,test_accuracy\n");
        for (Row r : rows) {
            Map<String, Object> m = r.toMap();
            s.append(r.value()).append(',').append(r.run().id()).append(GridJob.optionCells(r.config()))
                    .append(String.format(Locale.ROOT, ",%d,%s,%s,%s,%s%n", r.run().bestEpoch(), m.get("best_val_loss"),
                            m.get("best_val_accuracy"), m.get("test_loss"), m.get("test_accuracy")));
        }
        ReportPage.text(csv, conf, s.toString());
    }
}
