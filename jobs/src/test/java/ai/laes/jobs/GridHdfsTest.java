package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import ai.laes.spark.SparkTestBase;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grid job with hdfs:// paths only (data, grid file, output, every configuration's checkpoints) on an in-process HDFS. */
class GridHdfsTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static MiniDFSCluster cluster;
    static FileSystem hdfs;
    static String base;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        conf.setInt("dfs.replication", 1);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        base = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        Path local = SmallPrepared.create(spark, tmp.resolve("prepared"), 96);
        hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(base + "/data/prepared"));
        try (OutputStream out = hdfs.create(new org.apache.hadoop.fs.Path(base + "/conf/grid.conf"))) {
            out.write("init-scheme = [orthogonal]\nlearning-rate = [0.02, 0.002]\nbatch-size = [16]\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    private static List<String> names(String dir) throws Exception {
        return Arrays.stream(hdfs.listStatus(new org.apache.hadoop.fs.Path(base + dir))).map(s -> s.getPath().getName()).sorted().toList();
    }

    @Test
    void trainsCheckpointsAndCommitsOnHdfs() throws Exception {
        JobAssertions.Outcome o = JobAssertions.capture(() -> JobLauncher.execute("grid", new GridOptions(), new String[] {
            "--data", base + "/data/prepared", "--out", base + "/runs/grid", "--grid", base + "/conf/grid.conf", "--limit", "96",
            "--crop-steps", "28", "--hidden", "8", "--epochs", "2", "--eval-batch-size", "48", "--task", "smnist"}, GridJob::run, spark));
        assertEquals(0, o.code(), o.stderr());
        assertEquals(List.of("grid"), names("/runs"), "committed by rename: no .grid.inprogress left");
        assertTrue(names("/runs/grid").containsAll(List.of("_SUCCESS", "run.json", "grid.csv", "best", "runs", "validation_curves.png")));
        List<String> ids = List.of("initorthogonal-lr0.02-bs16", "initorthogonal-lr0.002-bs16");
        assertEquals(ids, names("/runs/grid/runs").stream().sorted((x, y) -> ids.indexOf(x) - ids.indexOf(y)).toList());
        for (String id : ids) {
            assertEquals(List.of("epoch-000.json", "epoch-000.zip", "epoch-001.json", "epoch-001.zip", "epoch-002.json", "epoch-002.zip"),
                    names("/runs/grid/runs/" + id + "/checkpoints"), id);
            assertTrue(names("/runs/grid/runs/" + id).containsAll(List.of("metrics.jsonl", GridTask.DONE, "initial.json")), id);
        }
        try (InputStream in = hdfs.open(new org.apache.hadoop.fs.Path(base + "/runs/grid/grid.csv"))) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertEquals(3, lines.size(), String.join("\n", lines));
            assertTrue(lines.get(1).startsWith(ids.get(0) + ",orthogonal,0.02,"), lines.get(1));
        }
        assertEquals(List.of("evaluation.json", "model.zip"), names("/runs/grid/best"));
        JobAssertions.assertNoMachineDetails(hdfs, new org.apache.hadoop.fs.Path(base + "/runs/grid"), List.of(base));
    }
}
