package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivilegedAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import ai.laes.data.MnistShards;
import ai.laes.data.Split;
import ai.laes.io.RunInfo;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.UserGroupInformation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs reading and writing only hdfs:// paths on a real in-process HDFS: prepare (once, for the
 * class), then pretrain and fine-tune from it, the atomic commit by rename, and failed runs that
 * leave no partial output.
 */
class HdfsPrepareTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static MiniDFSCluster cluster;
    static FileSystem hdfs;
    static String base;
    static JobAssertions.Outcome prepared;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        conf.setBoolean("dfs.permissions.enabled", true);
        conf.setInt("dfs.replication", 1);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        base = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        for (String f : PrepareJob.FILES) {
            hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.mnistDir().resolve(f).toUri()),
                    new org.apache.hadoop.fs.Path(base + "/mnist/" + f));
        }
        prepared = JobAssertions.capture(() -> prepare("--mnist", base + "/mnist", "--out", base + "/data/prepared", "--shards", "2"));
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private static int prepare(String... args) {
        return JobLauncher.execute("prepare", new PrepareOptions(), args, PrepareJob::run, spark);
    }

    private static List<String> names(String dir) throws Exception {
        FileStatus[] listing = hdfs.listStatus(new org.apache.hadoop.fs.Path(base + dir));
        return Arrays.stream(listing).map(s -> s.getPath().getName()).sorted().toList();
    }

    @Test
    void preparesShardsOnHdfsAndReadsThemBack() throws Exception {
        assertEquals(0, prepared.code(), prepared.stderr());
        assertEquals(List.of("prepared"), names("/data"), "committed by rename, nothing else left");
        assertTrue(names("/data/prepared").containsAll(List.of("_SUCCESS", "run.json", "permutation.npy", "train", "validation", "test")));
        org.apache.hadoop.fs.Path prepared = new org.apache.hadoop.fs.Path(base + "/data/prepared");
        assertEquals(10000, MnistShards.read(spark, prepared, Split.TEST).count());
        assertEquals(10000, MnistShards.read(spark, prepared, Split.VALIDATION).count());
        assertEquals(50000, MnistShards.read(spark, prepared, Split.TRAIN).count());
    }

    @Test
    void preparesParquetSequencesOnHdfs() throws Exception {
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rows.add(SequenceTables.row(SequenceTables.cropped(i), SequenceTables.DIGITS[SequenceTables.images().label(i)],
                    i < 40 ? "train" : i < 50 ? "validation" : "test"));
        }
        rows.set(45, SequenceTables.row(SequenceTables.cropped(45), "eleven", "validation"));
        var schema = SequenceTables.schema("pixels", SequenceTables.FLAT_DOUBLE, "digit", org.apache.spark.sql.types.DataTypes.StringType,
                "split", org.apache.spark.sql.types.DataTypes.StringType);
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(base + "/sequences/bad");
        spark.createDataFrame(rows.subList(0, 45), schema).coalesce(1).write().parquet(base + "/sequences/good");
        hdfs.mkdirs(new org.apache.hadoop.fs.Path(base + "/seqs-out"));

        JobAssertions.Outcome bad = JobAssertions.capture(() -> prepare("--format", "parquet", "--input", base + "/sequences/bad",
                "--sequence-col", "pixels", "--label-col", "digit", "--split-col", "split", "--out", base + "/seqs-out/bad"));
        assertEquals(JobLauncher.USAGE_ERROR, bad.code(), bad.stderr());
        assertTrue(bad.stderr().contains("row 45: column 'digit' is class 'eleven'"), bad.stderr());
        assertEquals(List.of(), names("/seqs-out"), "no output left behind");

        JobAssertions.Outcome good = JobAssertions.capture(() -> prepare("--format", "parquet", "--input", base + "/sequences/good",
                "--sequence-col", "pixels", "--label-col", "digit", "--split-col", "split", "--out", base + "/seqs-out/good"));
        assertEquals(0, good.code(), good.stderr());
        assertEquals(List.of("good"), names("/seqs-out"), "committed by rename, nothing else left");
        assertTrue(names("/seqs-out/good").containsAll(List.of("_SUCCESS", "run.json", "dataset.json", "train", "validation", "test")));
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(base + "/seqs-out/good");
        ai.laes.data.DatasetInfo info = ai.laes.data.DatasetInfo.read(out, hdfs.getConf());
        assertEquals(1, info.k());
        assertEquals(40, Arrays.stream(info.counts(Split.TRAIN)).sum());
        assertEquals(5, ai.laes.data.SequenceShards.read(spark, out, Split.VALIDATION, 1).count());
        Map<String, Object> run = RunInfo.readJson(new org.apache.hadoop.fs.Path(out, "run.json"), hdfs.getConf());
        Map<?, ?> input = (Map<?, ?>) ((Map<?, ?>) run.get("inputs")).get("input");
        assertEquals(base + "/sequences/good", input.get("path"));
        Map<?, ?> file = (Map<?, ?>) ((List<?>) input.get("files")).get(0);
        assertEquals(ai.laes.io.Checksums.sha256(new org.apache.hadoop.fs.Path(base + "/sequences/good/" + file.get("name")), hdfs.getConf()),
                file.get("sha256"));
    }

    @Test
    void unreadableDirectoryIsAnInputError() throws Exception {
        org.apache.hadoop.fs.Path locked = new org.apache.hadoop.fs.Path(base + "/locked");
        hdfs.mkdirs(locked);
        for (String f : PrepareJob.FILES) {
            hdfs.rename(new org.apache.hadoop.fs.Path(base + "/mnist/" + f), new org.apache.hadoop.fs.Path(locked, f));
        }
        hdfs.setPermission(locked, new FsPermission((short) 0));
        org.apache.hadoop.fs.Path outs = new org.apache.hadoop.fs.Path(base + "/outs");
        hdfs.mkdirs(outs);
        hdfs.setPermission(outs, new FsPermission((short) 0777));
        UserGroupInformation alice = UserGroupInformation.createUserForTesting("alice", new String[] {"users"});
        JobAssertions.Outcome o = alice.doAs((PrivilegedAction<JobAssertions.Outcome>) () ->
                JobAssertions.capture(() -> prepare("--mnist", base + "/locked", "--out", base + "/outs/p")));
        assertEquals(JobLauncher.USAGE_ERROR, o.code(), o.stderr());
        assertEquals(1, o.stderr().lines().count(), o.stderr());
        assertTrue(o.stderr().contains("/locked/") && o.stderr().contains("permission denied"), o.stderr());
        assertEquals(List.of(), names("/outs"), "no output left behind");
        hdfs.setPermission(locked, new FsPermission((short) 0755));
        for (String f : PrepareJob.FILES) {
            hdfs.rename(new org.apache.hadoop.fs.Path(locked, f), new org.apache.hadoop.fs.Path(base + "/mnist/" + f));
        }
        assertFalse(names("/mnist").isEmpty());
    }

    @Test
    void unwritableDirectoryIsAnInputError() throws Exception {
        assertEquals(0, prepared.code(), prepared.stderr());
        org.apache.hadoop.fs.Path readOnly = new org.apache.hadoop.fs.Path(base + "/readonly");
        hdfs.mkdirs(readOnly);
        hdfs.setPermission(readOnly, new FsPermission((short) 0755));
        UserGroupInformation bob = UserGroupInformation.createUserForTesting("bob", new String[] {"users"});
        JobAssertions.Outcome o = bob.doAs((PrivilegedAction<JobAssertions.Outcome>) () ->
                JobAssertions.capture(() -> pretrain("--data", base + "/data/prepared", "--out", base + "/readonly/p", "--limit", "100")));
        assertEquals(JobLauncher.USAGE_ERROR, o.code(), o.stderr());
        assertEquals(1, o.stderr().lines().count(), o.stderr());
        assertTrue(o.stderr().contains(base + "/readonly/p") && o.stderr().contains("permission denied"), o.stderr());
        assertEquals(List.of(), names("/readonly"), "no output left behind");
    }

    private static int pretrain(String... args) {
        return JobLauncher.execute("pretrain", new PretrainOptions(), args, PretrainJob::run, spark);
    }

    private static int finetune(String... args) {
        return JobLauncher.execute("finetune", new FinetuneOptions(), args, FinetuneJob::run, spark);
    }

    /** A tiny fine-tuning run on HDFS (FinetuneJobTest's settings: 320 images, the last 28 steps). */
    private static String[] tinyFinetune(String out, String... more) {
        List<String> a = new ArrayList<>(List.of("--data", base + "/data/prepared", "--out", base + out,
                "--limit", "320", "--crop-steps", "28", "--batch-size", "32", "--averaging-frequency", "2",
                "--eval-batch-size", "100", "--probe-epochs", "none", "--task", "smnist"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    private static boolean exists(String path) throws Exception {
        return hdfs.exists(new org.apache.hadoop.fs.Path(base + path));
    }

    private static List<String> lines(String path) throws Exception {
        try (InputStream in = hdfs.open(new org.apache.hadoop.fs.Path(base + path))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static MultiLayerNetwork model(String path) throws Exception {
        try (InputStream in = hdfs.open(new org.apache.hadoop.fs.Path(base + path))) {
            return ModelSerializer.restoreMultiLayerNetwork(in, false);
        }
    }

    @Test
    void pretrainThenFinetuneFromItReadAndWriteOnlyHdfs() throws Exception {
        assertEquals(0, prepared.code(), prepared.stderr());
        JobAssertions.Outcome pre = JobAssertions.capture(() -> pretrain("--data", base + "/data/prepared",
                "--out", base + "/runs/pretrain", "--task", "smnist", "--memory-size", "8", "--limit", "500"));
        assertEquals(0, pre.code(), pre.stderr());
        JobAssertions.Outcome fine = JobAssertions.capture(() -> finetune(tinyFinetune("/runs/finetune",
                "--init", base + "/runs/pretrain", "--hidden", "8", "--learning-rate", "0.01", "--epochs", "2")));
        assertEquals(0, fine.code(), fine.stderr());

        assertEquals(List.of("finetune", "pretrain"), names("/runs"), "committed by rename: no .NAME.inprogress or .NAME.tmp-* left");
        for (String run : List.of("/data/prepared", "/runs/pretrain", "/runs/finetune")) {
            assertTrue(exists(run + "/_SUCCESS") && exists(run + "/run.json"), run);
            assertEquals(List.of(), names(run).stream().filter(n -> n.startsWith(".") || n.startsWith("_temporary")).toList(),
                    "no temporary directory inside " + run);
        }
        assertTrue(names("/runs/pretrain").containsAll(List.of("metrics.json", "reconstruction.csv", "laes", "model")));
        assertTrue(exists("/runs/pretrain/model/lmn-init.zip"));
        assertEquals(List.of("epoch-000.json", "epoch-000.zip", "epoch-001.json", "epoch-001.zip", "epoch-002.json", "epoch-002.zip"),
                names("/runs/finetune/checkpoints"));
        List<String> metrics = lines("/runs/finetune/metrics.jsonl");
        assertEquals(2, metrics.size(), String.join("\n", metrics));
        for (int e = 0; e < 2; e++) {
            JsonNode m = new ObjectMapper().readTree(metrics.get(e));
            assertEquals(e + 1, m.get("epoch").asInt());
            assertTrue(Double.isFinite(m.get("train_loss").asDouble()) && m.get("val_loss").asDouble() < 5, metrics.get(e));
        }
        // Epoch 0 of the fine-tuning is the pretraining output's network, read from HDFS.
        assertEquals(model("/runs/pretrain/model/lmn-init.zip").params(), model("/runs/finetune/checkpoints/epoch-000.zip").params());
        Map<String, Object> info = RunInfo.readJson(new org.apache.hadoop.fs.Path(base + "/runs/finetune/run.json"),
                hdfs.getConf());
        Map<?, ?> init = (Map<?, ?>) ((Map<?, ?>) info.get("inputs")).get("init/" + FinetuneStart.INIT_MODEL);
        assertEquals(base + "/runs/pretrain/" + FinetuneStart.INIT_MODEL, init.get("path"));
        // The checksum proves which initial network the run started from.
        assertEquals(ai.laes.io.Checksums.sha256(new org.apache.hadoop.fs.Path(base + "/runs/pretrain/" + FinetuneStart.INIT_MODEL),
                hdfs.getConf()), init.get("sha256"));
        JobAssertions.assertNoMachineDetails(hdfs, new org.apache.hadoop.fs.Path(base + "/runs"), List.of(base));
    }

    @Test
    void failedRunsLeaveNoPartialOutputOnHdfs() throws Exception {
        assertEquals(0, prepared.code(), prepared.stderr());
        hdfs.mkdirs(new org.apache.hadoop.fs.Path(base + "/failed"));
        // Refused after the temporary directory was made (p is checked against T*k after the mean pass).
        JobAssertions.Outcome tooBig = JobAssertions.capture(() -> pretrain("--data", base + "/data/prepared",
                "--out", base + "/failed/pretrain", "--memory-size", "785", "--limit", "200"));
        assertEquals(JobLauncher.USAGE_ERROR, tooBig.code(), tooBig.stderr());
        assertEquals(1, tooBig.stderr().lines().count(), tooBig.stderr());
        assertTrue(tooBig.stderr().contains("785") && tooBig.stderr().contains("T*k=784"), tooBig.stderr());
        assertEquals(List.of(), names("/failed"), "the .pretrain.tmp-* directory was deleted");

        // An existing output without --overwrite.
        JobAssertions.Outcome again = JobAssertions.capture(() -> prepare("--mnist", base + "/mnist", "--out", base + "/data/prepared"));
        assertEquals(JobLauncher.USAGE_ERROR, again.code(), again.stderr());
        assertTrue(again.stderr().contains(base + "/data/prepared") && again.stderr().contains("already exists"), again.stderr());
        assertEquals(List.of("prepared"), names("/data"));

        // A fine-tuning run that diverges: exit 1, nothing committed, the last good checkpoint kept for --resume.
        JobAssertions.Outcome diverged = JobAssertions.capture(() -> finetune(tinyFinetune("/failed/finetune", "--hidden", "4", "--epochs", "1",
                "--learning-rate", "1e38", "--clip-norm", "0", "--weight-decay", "0")));
        assertEquals(JobLauncher.RUNTIME_FAILURE, diverged.code(), diverged.stderr());
        assertEquals(1, diverged.stderr().lines().count(), diverged.stderr());
        assertTrue(diverged.stderr().contains("last good checkpoint is " + base + "/failed/.finetune.inprogress/checkpoints/epoch-000.zip"),
                diverged.stderr());
        assertEquals(List.of(".finetune.inprogress"), names("/failed"), "no committed output, only the resumable work");
        assertTrue(Double.isFinite(model("/failed/.finetune.inprogress/checkpoints/epoch-000.zip").params().sumNumber().doubleValue()));

        // --resume must keep the trajectory's options; --overwrite starts over and commits cleanly.
        JobAssertions.Outcome resume = JobAssertions.capture(() -> finetune(tinyFinetune("/failed/finetune", "--hidden", "4", "--epochs", "1",
                "--learning-rate", "0.01", "--clip-norm", "0", "--weight-decay", "0", "--resume")));
        assertEquals(JobLauncher.USAGE_ERROR, resume.code(), resume.stderr());
        assertTrue(resume.stderr().contains("--learning-rate 0.01 differs"), resume.stderr());
        assertEquals(List.of(".finetune.inprogress"), names("/failed"));
        JobAssertions.Outcome fresh = JobAssertions.capture(() -> finetune(tinyFinetune("/failed/finetune", "--hidden", "4",
                "--learning-rate", "0.01", "--epochs", "1", "--overwrite")));
        assertEquals(0, fresh.code(), fresh.stderr());
        assertEquals(List.of("finetune"), names("/failed"));
        assertEquals(1, lines("/failed/finetune/metrics.jsonl").size());
    }
}
