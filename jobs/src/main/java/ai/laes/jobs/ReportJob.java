package ai.laes.jobs;

import java.util.List;
import java.util.Map;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistShards;
import ai.laes.data.SequenceView;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import ai.laes.report.InitialisationStudy;
import ai.laes.report.ReconstructionStudy;
import ai.laes.report.ReportBudget;
import ai.laes.report.ReportPage;
import ai.laes.spark.Stages;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The evaluation report (laes-math.md section 4): reconstruction error versus sequence length for three
 * linear memories, gradient norms through time for three LMN initialisations, and accuracy after
 * initialisation; written atomically as CSVs, PNGs, summary.json and index.html.
 */
public final class ReportJob {
    private ReportJob() {
    }

    public static void main(String[] args) {
        JobLauncher.main("report", new ReportOptions(), args, ReportJob::run);
    }

    /** Runs the job on {@code spark}. */
    public static void run(ReportOptions options, SparkSession spark) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path prepared = PretrainJob.preparedDataset(options.data, conf);
        ReportBudget budget = options.resolvedBudget();
        try (AtomicOutput out = AtomicOutput.begin(options.output.out, options.output.overwrite, conf)) {
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("report", JobLauncher.resolved(options));
            PretrainJob.recordPrepared(info, options.data, prepared, conf);
            SequenceView view = SequenceView.of(options.task, prepared, conf);

            int trainNeeded = budget.reconstructionTrain() == 0 || budget.readoutTrain() == 0 ? 0
                    : Math.max(budget.reconstructionTrain(), budget.readoutTrain());
            int testNeeded = budget.reconstructionTest() == 0 || budget.readoutTest() == 0 ? 0
                    : Math.max(budget.reconstructionTest(), budget.readoutTest());
            JavaRDD<LabeledImage> train = PretrainJob.limit(MnistShards.read(spark, prepared, Split.TRAIN), trainNeeded)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            JavaRDD<LabeledImage> test = PretrainJob.limit(MnistShards.read(spark, prepared, Split.TEST), testNeeded)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                long trainCount = stages.run("report: read training shards", train::count);
                long testCount = stages.run("report: read test shards", test::count);
                if (trainCount == 0 || testCount == 0) {
                    throw new InputException("--data " + options.data + ": the " + (trainCount == 0 ? "training" : "test")
                            + " split is empty");
                }
                ReconstructionStudy.Result reconstruction = ReconstructionStudy.run(
                        sequences(PretrainJob.limit(train, budget.reconstructionTrain()), view),
                        sequences(PretrainJob.limit(test, budget.reconstructionTest()), view),
                        ReconstructionStudy.LENGTHS, options.memorySize, budget, options.seed, stages, sc);
                List<LabeledImage> probe = train.take(budget.probeBatch());
                List<InitialisationStudy.Outcome> outcomes = InitialisationStudy.run(reconstruction.longestLaes(),
                        PretrainJob.limit(train, budget.readoutTrain()), PretrainJob.limit(test, budget.readoutTest()),
                        probe, view, options.seed, stages, sc);
                ReportPage.Content content = new ReportPage.Content(options.task.id(), options.memorySize, options.seed,
                        budget, trainCount, testCount, reconstruction, outcomes);
                Map<String, Object> summary = ReportPage.write(content, out::file, conf);
                info.put("summary", summary);
            } finally {
                train.unpersist(false);
                test.unpersist(false);
            }
            info.put("spark", Map.of("master", sc.master(), "application", sc.sc().applicationId()));
            info.write(out.file("run.json"), conf, stages.seconds());
            out.commit();
        }
    }

    private static JavaRDD<double[]> sequences(JavaRDD<LabeledImage> images, SequenceView view) {
        return images.map(im -> view.sequence(im.pixels()));
    }
}
