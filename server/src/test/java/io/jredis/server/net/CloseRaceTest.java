package io.jredis.server.net;

import static org.junit.jupiter.api.Assertions.fail;

import io.jredis.server.testing.Sockets;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Closing a server while clients keep connecting: every connection the kernel completed must see the server go away
 * (EOF or reset), and the server must hold none of its sockets afterwards, as the embedded API promises.
 */
class CloseRaceTest {
    private static final int ROUNDS = 20;
    private static final int CONNECTORS = 3;

    @Test
    void everyConnectionRacingWithCloseSeesTheServerGo() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            TestServer server = TestServer.start();
            int port = server.port();
            Queue<Socket> connected = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> connectors = new ArrayList<>();
            for (int i = 0; i < CONNECTORS; i++) {
                Thread t = new Thread(() -> connectUntilStopped(port, connected, stop), "connector-" + i);
                t.start();
                connectors.add(t);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // Close while connections are arriving, after a round-dependent number of them.
            while (connected.size() < 5 + round % 7 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
            }
            server.close();
            stop.set(true);
            for (Thread t : connectors) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            for (Socket s : connected) {
                assertSeesEnd(s, round);
            }
            long fdDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Sockets.openServerSockets(port).isEmpty()) {
                if (System.nanoTime() > fdDeadline) {
                    fail("round " + round + ": server sockets of port " + port + " still open: "
                            + Sockets.openServerSockets(port));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    /** Connects again and again (writing a PING on each) until told to stop or the server refuses. */
    private static void connectUntilStopped(int port, Queue<Socket> connected, AtomicBoolean stop) {
        while (!stop.get()) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                connected.add(s);
                s.getOutputStream().write("PING\r\n".getBytes());
            } catch (IOException refusedOrReset) {
                if (!s.isConnected()) {
                    closeQuietly(s);
                }
            }
        }
    }

    /** Reads until EOF or reset; a peer still open after 10 s is a connection the server forgot. */
    private static void assertSeesEnd(Socket s, int round) throws IOException {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            while (in.read(buf) >= 0) {
                // +PONG replies of a connection served before the close.
            }
        } catch (SocketTimeoutException e) {
            fail("round " + round + ": connection " + s.getLocalPort() + " -> " + s.getPort()
                    + " is still open 10 s after close(); server sockets still open: "
                    + Sockets.openServerSockets(s.getPort()));
        } catch (IOException reset) {
            // A reset is as good as EOF: the server is gone.
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Nothing was opened.
        }
    }
}
