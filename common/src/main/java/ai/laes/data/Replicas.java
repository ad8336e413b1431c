package ai.laes.data;

import java.util.SplittableRandom;

/**
 * Extra copies of the training set for trying large shards: copy r >= 1 of image i gets index
 * {@code i + r * INDEX_STRIDE} and is shifted by a random offset of up to 2 pixels in each
 * direction (never zero in both), with zeros shifted in.
 */
public final class Replicas {
    /** Index offset between copies; above every official index, so indices stay distinct. */
    public static final long INDEX_STRIDE = 100_000L;
    /** Largest shift in pixels along each axis. */
    public static final int MAX_SHIFT = 2;

    private Replicas() {
    }

    /** Copy {@code r} (>= 1) of {@code image}, drawn from {@code seed} deterministically. */
    public static LabeledImage copy(LabeledImage image, int r, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + r * INDEX_STRIDE + image.index());
        int dx;
        int dy;
        do {
            dx = random.nextInt(-MAX_SHIFT, MAX_SHIFT + 1);
            dy = random.nextInt(-MAX_SHIFT, MAX_SHIFT + 1);
        } while (dx == 0 && dy == 0);
        return new LabeledImage(image.index() + r * INDEX_STRIDE, image.label(), shift(image.pixels(), dx, dy));
    }

    /** The 28 x 28 image moved right by {@code dx} and down by {@code dy}, zero-filled. */
    static byte[] shift(byte[] pixels, int dx, int dy) {
        int side = MnistImages.SIDE;
        byte[] out = new byte[pixels.length];
        for (int y = 0; y < side; y++) {
            int sy = y - dy;
            if (sy < 0 || sy >= side) {
                continue;
            }
            for (int x = 0; x < side; x++) {
                int sx = x - dx;
                if (sx >= 0 && sx < side) {
                    out[y * side + x] = pixels[sy * side + sx];
                }
            }
        }
        return out;
    }
}
