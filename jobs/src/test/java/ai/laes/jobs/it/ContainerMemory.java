package ai.laes.jobs.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.client.api.YarnClient;

/**
 * Samples the resident memory of every Spark container JVM on this machine in a daemon thread (every
 * 250 ms) and keeps each container's peak beside the memory YARN allocated to it (its limit under the
 * NodeManager's physical-memory check), read from the ResourceManager while the container runs.
 */
final class ContainerMemory implements AutoCloseable {
    /** One container's peak resident memory against its YARN allocation (-1 when the RM could not say). */
    record Peak(String applicationId, String containerId, ContainerJvm.Role role, long peakRssMb, long limitMb) {
        @Override
        public String toString() {
            return String.format("%s %-9s peak RSS %5d MB of %5d MB allocated (%.0f%%)", containerId, role, peakRssMb, limitMb,
                    100.0 * peakRssMb / limitMb);
        }
    }

    private final YarnClient client;
    private final Map<String, Peak> peaks = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    ContainerMemory(YarnClient client) {
        this.client = client;
        this.sampler = new Thread(this::loop, "container-memory");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        while (running) {
            for (ContainerJvm jvm : ContainerJvm.list()) {
                long rss = jvm.rssMb();
                if (rss > 0) {
                    peaks.merge(jvm.containerId(), new Peak(jvm.applicationId(), jvm.containerId(), jvm.role(), rss, limitMb(jvm)),
                            (a, b) -> b.peakRssMb > a.peakRssMb ? new Peak(a.applicationId, a.containerId, a.role, b.peakRssMb, a.limitMb) : a);
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private long limitMb(ContainerJvm jvm) {
        Peak known = peaks.get(jvm.containerId());
        if (known != null && known.limitMb > 0) {
            return known.limitMb;
        }
        try {
            return client.getContainerReport(ContainerId.fromString(jvm.containerId())).getAllocatedResource().getMemorySize();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The peaks seen so far of one application's containers. */
    List<Peak> of(String applicationId) {
        return peaks.values().stream().filter(p -> p.applicationId.equals(applicationId))
                .sorted((a, b) -> a.containerId.compareTo(b.containerId)).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join(5000);
    }
}
