package ai.laes.lmn;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The tapes of layers that are gone, kept for the next layer of the same batch and sizes in this JVM (whose
 * sequences are at most as long as the tape's capacity, {@link LmnTape#fits}).
 * Parameter averaging builds a fresh network on every worker every round; a new tape for sMNIST
 * (T 784, batch 64, size 128: about 130 MB of buffers and 5,500 views) took about 9% of an
 * executor's task time in a profile, and its garbage more in GC. A tape comes back here only when
 * its layer has replaced it or has become unreachable (a {@link Cleaner}), so no two live layers
 * ever share one; every pass rewrites what it reads, so a tape carries nothing from its last owner.
 */
final class TapePool {
    /** Idle tapes kept at most, the most recently returned first (older ones are left to the GC). */
    static final int MAX_IDLE = 2;
    private static final Cleaner CLEANER = Cleaner.create();
    /** Guarded by itself. */
    private static final ArrayDeque<LmnTape> IDLE = new ArrayDeque<>();
    private static final AtomicLong RETURNED = new AtomicLong();

    private TapePool() {
    }

    /** A tape held by {@code owner} until {@link #release()} or until the owner is unreachable. */
    static final class Lease {
        final LmnTape tape;
        private final Cleaner.Cleanable cleanable;

        private Lease(LmnTape tape, Object owner) {
            this.tape = tape;
            this.cleanable = CLEANER.register(owner, new Return(tape));
        }

        /** Gives the tape back now (at most once; the owner must not use it any more). */
        void release() {
            cleanable.clean();
        }
    }

    /** Runs on the cleaner's thread or in release(); holds the tape, never the owner. */
    private record Return(LmnTape tape) implements Runnable {
        @Override
        public void run() {
            RETURNED.incrementAndGet();
            synchronized (IDLE) {
                IDLE.addFirst(tape);
                while (IDLE.size() > MAX_IDLE) {
                    IDLE.removeLast();
                }
            }
        }
    }

    /**
     * The idle tape of this data type, batch and sizes with the smallest capacity of at least T steps, else a new
     * one of capacity T, leased to {@code owner} (its length not yet set: {@link LmnTape#use}).
     */
    static Lease lease(Object owner, DataType dataType, int b, int T, int nIn, int nH, int nM) {
        LmnTape tape = null;
        synchronized (IDLE) {
            for (LmnTape t : IDLE) {
                if (t.fits(dataType, b, T) && t.nIn == nIn && t.nH == nH && t.nM == nM
                        && (tape == null || t.capacity < tape.capacity)) {
                    tape = t;
                }
            }
            if (tape != null) {
                IDLE.remove(tape);
            }
        }
        return new Lease(tape != null ? tape : new LmnTape(dataType, b, T, nIn, nH, nM), owner);
    }

    /** Whether the tape waits in the pool now. */
    static boolean isIdle(LmnTape tape) {
        synchronized (IDLE) {
            return IDLE.stream().anyMatch(t -> t == tape);
        }
    }

    /** Tapes given back since the JVM started. */
    static long returned() {
        return RETURNED.get();
    }
}
