package ai.laes.jobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The /proc reader ClusterIT relies on, against real sockets of this JVM. */
class ListenersTest {
    @Test
    void findsThisProcessesListenersAndTellsLoopbackFromWildcard() throws Exception {
        try (ServerSocket loopback = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             ServerSocket wildcard = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            List<InetSocketAddress> found = Listeners.of(ProcessHandle.current().pid());
            InetSocketAddress onLoopback = at(found, loopback.getLocalPort());
            InetSocketAddress onAll = at(found, wildcard.getLocalPort());
            assertTrue(Listeners.isLoopback(onLoopback), "127.0.0.1 listener read as " + onLoopback);
            assertFalse(Listeners.isLoopback(onAll), "0.0.0.0 listener read as " + onAll);
            assertTrue(onAll.getAddress().isAnyLocalAddress(), "0.0.0.0 listener read as " + onAll);
        }
    }

    @Test
    void parsesProcNetAddressesInHostByteOrder() {
        InetSocketAddress v4 = Listeners.parseAddress("0100007F:1BA5");
        assertEquals("127.0.0.1", v4.getAddress().getHostAddress());
        assertEquals(7077, v4.getPort());
        InetSocketAddress mapped = Listeners.parseAddress("0000000000000000FFFF00000100007F:1F90");
        assertEquals("127.0.0.1", mapped.getAddress().getHostAddress());
        assertEquals(8080, mapped.getPort());
        InetSocketAddress v6Loopback = Listeners.parseAddress("00000000000000000000000001000000:0050");
        assertTrue(v6Loopback.getAddress().isLoopbackAddress(), v6Loopback.toString());
        InetSocketAddress external = Listeners.parseAddress("0202000C:1F90");
        assertEquals("12.0.2.2", external.getAddress().getHostAddress());
        assertFalse(Listeners.isLoopback(external));
    }

    private static InetSocketAddress at(List<InetSocketAddress> found, int port) {
        return found.stream().filter(a -> a.getPort() == port).findFirst()
                .orElseThrow(() -> new AssertionError("no listener on port " + port + " in " + found));
    }
}
