package io.jredis.server.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports to listen on below the system's ephemeral port range, for servers that must keep their port
 * across a restart (embedded cluster nodes) or whose port is chosen before the server binds it (tests).
 *
 * <p>A port the kernel picks for a bind to port 0 comes from the ephemeral range. While no one listens on it, any
 * outgoing connection on the machine (Sentinels and replicas reconnect all the time) may take it as its source port,
 * and the next bind fails with "Address already in use". The kernel never picks a source port below that range, so
 * only an explicit bind can take one of these. Redis's own test suite picks its ports the same way.
 */
public final class LoopbackPorts {
    /** The lowest port handed out: above the registered ports most services use. */
    private static final int LOWEST = 10000;
    /** Linux's default range starts here; macOS and Windows start higher (49152). */
    private static final int DEFAULT_EPHEMERAL_START = 32768;
    private static final int END = ephemeralStart();
    private static final int SPAN = END - LOWEST;
    /** Where the next search starts: random per JVM, so test JVMs running side by side rarely meet. */
    private static int next = ThreadLocalRandom.current().nextInt(SPAN);

    private LoopbackPorts() {
    }

    /**
     * A port no one listens on now on 127.0.0.1, not handed out before by this JVM (until the range wraps).
     *
     * @throws IOException when every port of the range is taken
     */
    public static synchronized int claim() throws IOException {
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
    public static int ephemeralStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1000 ? Math.min(start, DEFAULT_EPHEMERAL_START) : DEFAULT_EPHEMERAL_START;
        } catch (IOException | RuntimeException notLinux) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
