package ai.laes.data;

/** The three splits of the reference setup, as shard directories of a prepared dataset. */
public enum Split {
    /** The first 50,000 official training images. */
    TRAIN("train"),
    /** The last 10,000 official training images. */
    VALIDATION("validation"),
    /** The official 10,000 test images. */
    TEST("test");

    /** Official training images that go to {@link #TRAIN}; the rest go to {@link #VALIDATION}. */
    public static final int TRAIN_SIZE = 50_000;
    private final String dir;

    Split(String dir) {
        this.dir = dir;
    }

    /** The shard directory's name inside a prepared dataset. */
    public String dir() {
        return dir;
    }
}
