package ai.laes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import ai.laes.data.MnistShards;
import ai.laes.data.Split;
import ai.laes.spark.SparkTestBase;
import ai.laes.spark.TestData;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prepare job reading and writing only hdfs:// paths on a real in-process HDFS. */
class HdfsPrepareTest extends SparkTestBase {
    @TempDir
    static Path tmp;
    static MiniDFSCluster cluster;
    static FileSystem hdfs;
    static String base;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        conf.setBoolean("dfs.permissions.enabled", true);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        hdfs = cluster.getFileSystem();
        base = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
        for (String f : PrepareJob.FILES) {
            hdfs.copyFromLocalFile(new org.apache.hadoop.fs.Path(TestData.mnistDir().resolve(f).toUri()),
                    new org.apache.hadoop.fs.Path(base + "/mnist/" + f));
        }
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
        assertEquals(0, prepare("--mnist", base + "/mnist", "--out", base + "/data/prepared", "--shards", "2"));
        assertEquals(List.of("prepared"), names("/data"), "committed by rename, nothing else left");
        assertTrue(names("/data/prepared").containsAll(List.of("_SUCCESS", "run.json", "permutation.npy", "train", "validation", "test")));
        org.apache.hadoop.fs.Path prepared = new org.apache.hadoop.fs.Path(base + "/data/prepared");
        assertEquals(10000, MnistShards.read(spark, prepared, Split.TEST).count());
        assertEquals(10000, MnistShards.read(spark, prepared, Split.VALIDATION).count());
        assertEquals(50000, MnistShards.read(spark, prepared, Split.TRAIN).count());
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
        JobAssertions.Outcome o = alice.doAs((java.security.PrivilegedAction<JobAssertions.Outcome>) () ->
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
}
