package ai.laes.io;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** SHA-256 of input files, recorded in run.json so a user can prove which data made a model. */
public final class Checksums {
    private Checksums() {
    }

    /** The hex SHA-256 of the file at {@code path}. */
    public static String sha256(Path path, Configuration conf) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = FileSystems.of(path, conf).open(path)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (java.io.FileNotFoundException e) {
            throw new InputException(path + ": file not found");
        } catch (IOException e) {
            throw new InputException(path + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
