package ai.laes.jobs.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The listening TCP sockets of given processes, read from Linux's /proc: a process's sockets are
 * the {@code socket:[inode]} links in /proc/PID/fd, and /proc/PID/net/tcp{,6} give each socket
 * inode's state and local address. Only the processes asked about count, so listeners of anything
 * else on the machine cannot make a check pass or fail.
 */
final class Listeners {
    private static final String LISTEN = "0A";

    private Listeners() {
    }

    /** The addresses the process listens on (empty when it is gone or unreadable). */
    static List<InetSocketAddress> of(long pid) {
        Set<Long> inodes = socketInodes(pid);
        List<InetSocketAddress> listening = new ArrayList<>();
        if (inodes.isEmpty()) {
            return listening;
        }
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Paths.get("/proc", Long.toString(pid), "net", table);
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException gone) {
                continue;
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                if (f.length > 9 && f[3].equals(LISTEN) && inodes.contains(Long.parseLong(f[9]))) {
                    listening.add(parseAddress(f[1]));
                }
            }
        }
        return listening;
    }

    /** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
    static boolean isLoopback(InetSocketAddress address) {
        return address.getAddress().isLoopbackAddress();
    }

    private static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closed) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                }
            }
        } catch (IOException gone) {
            // The process ended between listing and reading.
        }
        return inodes;
    }

    /**
     * "0100007F:1F90" (tcp) or 32 hex digits + port (tcp6): the address is stored as 32-bit words
     * in host (little-endian) byte order, the port in big-endian hex.
     */
    static InetSocketAddress parseAddress(String hex) {
        String[] parts = hex.split(":");
        String addr = parts[0];
        byte[] bytes = new byte[addr.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = (word * 4 + (3 - b)) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(addr.substring(at, at + 2), 16);
            }
        }
        try {
            // An IPv4-mapped IPv6 address comes back as an Inet4Address.
            return new InetSocketAddress(InetAddress.getByAddress(bytes), Integer.parseInt(parts[1], 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("bad address in /proc/net: " + hex, e);
        }
    }
}
