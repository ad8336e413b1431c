package ai.laes.jobs.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * An in-process Hadoop cluster for the YARN integration test: HDFS (one NameNode, one DataNode) and
 * YARN (one ResourceManager, one NodeManager), every listener on loopback, the NodeManager's
 * physical-memory check on (virtual memory off), sized for a 2-core machine. Its client
 * configuration is written to a HADOOP_CONF_DIR (core-site.xml, hdfs-site.xml, yarn-site.xml), which
 * spark-submit reads like any cluster's.
 */
final class MiniHadoop implements AutoCloseable {
    /** Memory the NodeManager offers: the AM (or cluster-mode driver) and two executors. */
    static final int NODE_MEMORY_MB = 8192;
    /** Containers are sized in steps of this (YARN rounds each request up to a multiple). */
    static final int MIN_ALLOCATION_MB = 128;

    private final MiniDFSCluster dfs;
    private final MiniYARNCluster yarn;
    private final YarnClient client;
    private final Path confDir;

    private MiniHadoop(MiniDFSCluster dfs, MiniYARNCluster yarn, YarnClient client, Path confDir) {
        this.dfs = dfs;
        this.yarn = yarn;
        this.client = client;
        this.confDir = confDir;
    }

    /** Starts HDFS and YARN with their state under {@code work} and their client configuration in {@code work/conf}. */
    static MiniHadoop start(Path work) throws Exception {
        Configuration hdfsConf = new Configuration();
        hdfsConf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("hdfs").toString());
        hdfsConf.setInt("dfs.replication", 1);
        hdfsConf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        hdfsConf.set("dfs.namenode.http-address", "127.0.0.1:0");
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(hdfsConf).numDataNodes(1).build();
        MiniYARNCluster yarn = null;
        YarnClient client = null;
        try {
            dfs.waitActive();
            yarn = new MiniYARNCluster("laes-yarn-it", 1, 1, 1);
            yarn.init(yarnConf(dfs));
            yarn.start();
            awaitAddresses(yarn.getConfig());
            if (!yarn.waitForNodeManagersToConnect(TimeUnit.SECONDS.toMillis(30))) {
                throw new IllegalStateException("the NodeManager did not register with the ResourceManager in 30 s");
            }
            Path confDir = writeClientConf(yarn.getConfig(), dfs, Files.createDirectories(work.resolve("conf")));
            client = YarnClient.createYarnClient();
            client.init(new YarnConfiguration(yarn.getConfig()));
            client.start();
            return new MiniHadoop(dfs, yarn, client, confDir);
        } catch (Exception | Error e) {
            closeQuietly(client, yarn, dfs);
            throw e;
        }
    }

    /**
     * YARN on loopback with the NodeManager's memory enforcement as on a real cluster. The capacity
     * scheduler's queue is configured here because the shaded minicluster has no capacity-scheduler.xml
     * (as Spark's own YarnClusterSuite does).
     */
    private static YarnConfiguration yarnConf(MiniDFSCluster dfs) {
        YarnConfiguration conf = new YarnConfiguration(dfs.getConfiguration(0));
        conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
        conf.set("yarn.nodemanager.hostname", "127.0.0.1");
        conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", NODE_MEMORY_MB);
        conf.setInt("yarn.nodemanager.resource.memory-mb", NODE_MEMORY_MB);
        conf.setInt("yarn.nodemanager.resource.cpu-vcores", 4);
        conf.setInt("yarn.scheduler.minimum-allocation-mb", MIN_ALLOCATION_MB);
        conf.setInt("yarn.scheduler.maximum-allocation-mb", NODE_MEMORY_MB);
        // Memory enforcement: the minicluster turns the monitor off unless told to control it.
        conf.setBoolean("yarn.minicluster.control-resource-monitoring", true);
        conf.setBoolean("yarn.nodemanager.pmem-check-enabled", true);
        conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
        conf.setInt("yarn.nodemanager.container-monitor.interval-ms", 1000);
        // A shared, busy disk must not mark the only NodeManager unhealthy.
        conf.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 100.0f);
        conf.setInt("yarn.nodemanager.disk-health-checker.min-free-space-per-disk-mb", 0);
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        // Keep the applications' logs and directories only as long as needed.
        conf.setBoolean("yarn.log-aggregation-enable", false);
        conf.setInt("yarn.nodemanager.delete.debug-delay-sec", 0);
        return conf;
    }

    /** The minicluster can return from start() before the ResourceManager has put its real port into the configuration. */
    private static void awaitAddresses(Configuration conf) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (conf.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ResourceManager's address is still " + conf.get(YarnConfiguration.RM_ADDRESS));
            }
            Thread.sleep(100);
        }
    }

    /** HADOOP_CONF_DIR for the clients: the live YARN configuration, HDFS as the default file system. */
    private static Path writeClientConf(Configuration yarnConf, MiniDFSCluster dfs, Path dir) throws IOException {
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", "hdfs://127.0.0.1:" + dfs.getNameNodePort());
        write(core, dir.resolve("core-site.xml"));
        Configuration hdfs = new Configuration(false);
        hdfs.set("dfs.replication", "1");
        hdfs.set("dfs.client.use.datanode.hostname", "false");
        write(hdfs, dir.resolve("hdfs-site.xml"));
        Configuration yarn = new Configuration(false);
        for (var e : yarnConf) {
            if (e.getKey().startsWith("yarn.")) {
                yarn.set(e.getKey(), e.getValue());
            }
        }
        write(yarn, dir.resolve("yarn-site.xml"));
        return dir;
    }

    private static void write(Configuration conf, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            conf.writeXml(out);
        }
    }

    /** The directory to export as HADOOP_CONF_DIR. */
    Path confDir() {
        return confDir;
    }

    /** {@code hdfs://127.0.0.1:PORT}. */
    String hdfsUri() {
        return "hdfs://127.0.0.1:" + dfs.getNameNodePort();
    }

    FileSystem hdfs() throws IOException {
        return dfs.getFileSystem();
    }

    YarnClient yarnClient() {
        return client;
    }

    @Override
    public void close() {
        closeQuietly(client, yarn, dfs);
    }

    private static void closeQuietly(YarnClient client, MiniYARNCluster yarn, MiniDFSCluster dfs) {
        if (client != null) {
            client.stop();
        }
        if (yarn != null) {
            yarn.stop();
            FileUtil.fullyDelete(yarn.getTestWorkDir()); // its NodeManager's caches and logs, about 0.5 GB per run
        }
        if (dfs != null) {
            dfs.shutdown();
        }
    }
}
