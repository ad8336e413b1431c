package ai.laes.train;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A network shipped to the executors as a copy: its ModelSerializer bytes go into a broadcast of
 * {@code byte[]}, never the live parameter INDArray (Spark closes AutoCloseable broadcast values
 * when it cleans a broadcast up, which would close the driver's network). Each executor JVM
 * restores the bytes once per version and keeps a small pool of networks, one per concurrently
 * running task (a MultiLayerNetwork is not safe to share between threads).
 */
public final class NetworkBroadcast implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;
    /** Executor-side networks by version; only the newest version is kept. */
    private static final Map<String, ConcurrentLinkedDeque<MultiLayerNetwork>> POOL = new ConcurrentHashMap<>();

    private final String version;
    private final Broadcast<byte[]> bytes;

    private NetworkBroadcast(String version, Broadcast<byte[]> bytes) {
        this.version = version;
        this.bytes = bytes;
    }

    /** Broadcasts a snapshot of {@code net} (parameters and configuration, no updater state). */
    public static NetworkBroadcast of(JavaSparkContext sc, MultiLayerNetwork net) {
        return new NetworkBroadcast(UUID.randomUUID().toString(), sc.broadcast(toBytes(net, false)));
    }

    /** The network's ModelSerializer zip as bytes. */
    public static byte[] toBytes(MultiLayerNetwork net, boolean withUpdater) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, out, withUpdater);
        } catch (IOException e) {
            throw new UncheckedIOException("serialising the network", e);
        }
        return out.toByteArray();
    }

    /** Restores a network from {@link #toBytes} output. */
    public static MultiLayerNetwork fromBytes(byte[] zip, boolean withUpdater) {
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), withUpdater);
        } catch (IOException e) {
            throw new UncheckedIOException("restoring the network", e);
        }
    }

    /** On an executor: runs {@code body} with a network of this version that no other task uses meanwhile. */
    public <R> R apply(Function<MultiLayerNetwork, R> body) {
        ConcurrentLinkedDeque<MultiLayerNetwork> pool = POOL.get(version);
        if (pool == null) {
            POOL.keySet().removeIf(other -> !other.equals(version));
            pool = POOL.computeIfAbsent(version, v -> new ConcurrentLinkedDeque<>());
        }
        MultiLayerNetwork net = pool.pollFirst();
        if (net == null) {
            net = fromBytes(bytes.value(), false);
        }
        try {
            return body.apply(net);
        } finally {
            pool.offerFirst(net);
        }
    }

    /** Removes the broadcast from the executors and the driver (safe: it holds only bytes). */
    @Override
    public void close() {
        bytes.destroy();
    }
}
