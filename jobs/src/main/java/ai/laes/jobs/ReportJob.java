package ai.laes.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ai.laes.data.LabeledImage;
import ai.laes.data.MnistShards;
import ai.laes.data.PreparedData;
import ai.laes.data.SequenceTask;
import ai.laes.data.SequenceView;
import ai.laes.data.Split;
import ai.laes.io.AtomicOutput;
import ai.laes.io.InputException;
import ai.laes.io.RunInfo;
import ai.laes.report.FinetuneStudy;
import ai.laes.report.GradientProbe;
import ai.laes.report.InitialisationStudy;
import ai.laes.report.ReconstructionStudy;
import ai.laes.report.ReportBudget;
import ai.laes.report.ReportPage;
import ai.laes.spark.Stages;
import ai.laes.train.Batches;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The evaluation report (docs/laes-math.md, "What the paper claims"), for sMNIST and pMNIST in one run: reconstruction error versus
 * sequence length for four linear memories, gradient norms through time for three LMN initialisations, and the
 * accuracy of the three LMNs and the LSTM after initialisation and after fine-tuning (validation curves per epoch);
 * written atomically as CSVs, PNGs, summary.json and index.html.
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
        Path prepared = PreparedData.locate(options.data, conf);
        ReportBudget budget = options.resolvedBudget();
        try (AtomicOutput out = AtomicOutput.begin(options.output.out, options.output.overwrite, conf)) {
            Stages stages = new Stages(sc);
            RunInfo info = new RunInfo("report", JobLauncher.resolved(options));
            PreparedData.record(info, options.data, prepared, conf);
            JavaRDD<LabeledImage> train = PreparedData.limit(MnistShards.read(spark, prepared, Split.TRAIN), budget.trainNeeded())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            JavaRDD<LabeledImage> validation = PreparedData.limit(MnistShards.read(spark, prepared, Split.VALIDATION),
                    budget.finetuneValidation()).persist(StorageLevel.MEMORY_AND_DISK());
            JavaRDD<LabeledImage> test = PreparedData.limit(MnistShards.read(spark, prepared, Split.TEST), budget.testNeeded())
                    .persist(StorageLevel.MEMORY_AND_DISK());
            JavaRDD<LabeledImage> finetuneTrain = PreparedData.limit(train, budget.finetuneTrain()).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                long trainCount = stages.run("report: read training shards", train::count);
                long validationCount = stages.run("report: read validation shards", validation::count);
                long testCount = stages.run("report: read test shards", test::count);
                if (trainCount == 0 || validationCount == 0 || testCount == 0) {
                    throw new InputException("--data " + options.data + ": the " + (trainCount == 0 ? "training"
                            : validationCount == 0 ? "validation" : "test") + " split is empty");
                }
                long finetuneCount = stages.run("report: fine-tuning sequences", finetuneTrain::count);
                List<LabeledImage> probe = train.take(budget.probeBatch());
                List<ReportPage.TaskResult> results = new ArrayList<>();
                for (SequenceTask task : options.tasks()) {
                    SequenceView view = SequenceView.of(task, prepared, conf);
                    ReconstructionStudy.Result reconstruction = ReconstructionStudy.run(
                            sequences(PreparedData.limit(train, budget.reconstructionTrain()), view),
                            sequences(PreparedData.limit(test, budget.reconstructionTest()), view),
                            ReconstructionStudy.LENGTHS, options.memorySize, budget, options.seed, stages, sc);
                    JavaRDD<LabeledImage> readoutTest = PreparedData.limit(test, budget.readoutTest()).persist(StorageLevel.MEMORY_AND_DISK());
                    try {
                        // The training path takes the images in the task's order (SequenceView.apply), mapped after the
                        // readout's limit (a sort whose partition bounds Spark samples by RDD id).
                        JavaRDD<LabeledImage> readoutTrain = PreparedData.limit(train, budget.readoutTrain());
                        JavaRDD<LabeledImage> taskTrain = finetuneTrain.map(view::apply);
                        JavaRDD<LabeledImage> taskValidation = validation.map(view::apply);
                        JavaRDD<LabeledImage> taskTest = readoutTest.map(view::apply);
                        Batches batches = Batches.mnist(0);
                        List<InitialisationStudy.Outcome> outcomes = InitialisationStudy.run(reconstruction.longestLaes(),
                                readoutTrain.map(view::apply), taskTest, batches,
                                options.seed, stages, sc);
                        List<FinetuneStudy.Run> runs = FinetuneStudy.run(task.id(), outcomes, taskTrain, finetuneCount,
                                taskValidation, taskTest, GradientProbe.of(probe, view), batches, budget,
                                options.seed, stages, sc);
                        FinetuneStudy.SeedSpread spread = options.seedSpread >= 0 ? FinetuneStudy.SeedSpread.given(options.seedSpread)
                                : FinetuneStudy.seedSpread(task.id(), outcomes, runs, taskTrain, finetuneCount, taskValidation,
                                        taskTest, batches, budget, options.seed, stages, sc);
                        results.add(new ReportPage.TaskResult(task.id(), trainCount, validationCount, testCount, reconstruction,
                                outcomes, runs, spread));
                    } finally {
                        readoutTest.unpersist(false);
                    }
                }
                ReportPage.Content content = new ReportPage.Content(options.memorySize, options.seed, budget, results);
                Map<String, Object> summary = ReportPage.write(content, out::file, conf);
                info.put("summary", summary);
            } finally {
                finetuneTrain.unpersist(false);
                train.unpersist(false);
                validation.unpersist(false);
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
