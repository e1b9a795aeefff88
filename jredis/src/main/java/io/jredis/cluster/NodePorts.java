package io.jredis.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the listening ports of cluster nodes below the system's ephemeral port range.
 *
 * <p>A node keeps its port across {@link EmbeddedCluster.Node#restart()}. A port the kernel picks for {@code port 0}
 * comes from the ephemeral range, so while the node is down any outgoing connection on the machine (the cluster's own
 * Sentinels reconnect all the time) may take it as its source port, and the restart fails with "Address already in
 * use". The kernel never hands out a port below that range as a source port, so only an explicit bind can take it.
 * Redis's own test suite picks its ports the same way.
 */
final class NodePorts {
    /** The lowest port handed out: above the registered ports most services use. */
    private static final int LOWEST = 10000;
    /** Linux's default range starts here; macOS and Windows start higher (49152). */
    private static final int DEFAULT_EPHEMERAL_START = 32768;
    private static final int END = ephemeralStart();
    private static final int SPAN = END - LOWEST;
    /** Where the next search starts: random per JVM, so test JVMs running side by side rarely meet. */
    private static int next = ThreadLocalRandom.current().nextInt(SPAN);

    private NodePorts() {
    }

    /** A loopback port no one listens on now, not handed out before by this JVM (until the range wraps). */
    static synchronized int claim() throws IOException {
        for (int tried = 0; tried < SPAN; tried++) {
            int port = LOWEST + next;
            next = (next + 1) % SPAN;
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // Someone else listens there: try the next one.
            }
        }
        throw new IOException("no free loopback port in " + LOWEST + "-" + (END - 1));
    }

    /** The start of the system's ephemeral range, or of Linux's default range when lower or unknown. */
    static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1000 ? Math.min(start, DEFAULT_EPHEMERAL_START) : DEFAULT_EPHEMERAL_START;
        } catch (IOException | RuntimeException notLinux) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
