package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.RedisLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * A replica's log through its link's life, line for line as redis-server's: started with {@code replicaof} and no
 * data it asks for a full sync without offering a history of its own ("no cached master", PSYNC ? -1); it redials
 * a lost master at once ("Reconnecting to MASTER"); each attempt says "sync started" before the connect's outcome,
 * which is the system's words ("Connection refused"); REPLICAOF NO ONE discards the cached master.
 */
class ReplicaLinkLogVsRedisTest {
    @Test
    void aReplicaLosingItsMasterLogsWhatRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        assertEquals(linkLog(true), linkLog(false), "redis-server replica's log, then jredis's");
    }

    /**
     * A master that closes the connection while the replica waits for a handshake reply: Redis logs the failed read
     * in strerror's words ("Success" for a clean end of stream) and which reply it missed; jredis logged nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PING", "PSYNC"})
    void aMasterClosingDuringTheHandshakeIsLoggedAsByRedis(String closeAt) throws Exception {
        RealRedis.assumeInstalled();
        try (ClosingMaster master = new ClosingMaster(closeAt)) {
            String until = closeAt.equals("PSYNC") ? "S # Master did not reply to PSYNC, will try later"
                    : "S # Master did not respond to command during SYNC handshake";
            List<String> real;
            try (RealRedis r = RealRedis.start("--loglevel", "notice", "--replicaof", "127.0.0.1",
                    Integer.toString(master.port()))) {
                real = handshakeLog(r::log, until);
            }
            RedisServer jredis = Nodes.jredis("replicaof", "127.0.0.1 " + master.port());
            try {
                assertEquals(real, handshakeLog(() -> Nodes.log(jredis), until), "redis-server's log, then jredis's");
            } finally {
                jredis.close();
            }
        }
    }

    /** The messages of the first handshake, up to the line {@code until}, once it is logged. */
    private static List<String> handshakeLog(Supplier<String> log, String until) {
        Nodes.await("'" + until + "' logged", 20, () -> linkMessages(log.get()).contains(until));
        List<String> messages = linkMessages(log.get());
        return messages.subList(0, messages.indexOf(until) + 1);
    }

    /** A fake master: answers the handshake with +PONG and +OK, and closes the connection at one command. */
    private static final class ClosingMaster implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread acceptor;

        ClosingMaster(String closeAt) throws IOException {
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.US_ASCII));
                        OutputStream out = s.getOutputStream();
                        String command;
                        while ((command = readCommand(in)) != null && !command.equalsIgnoreCase(closeAt)) {
                            out.write((command.equalsIgnoreCase("PING") ? "+PONG\r\n" : "+OK\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                    } catch (IOException e) {
                        // Closed: the test is over.
                    }
                }
            }, "closing-master");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        /** The name of the next command (a RESP array of bulk strings), or null at the end of the stream. */
        private static String readCommand(BufferedReader in) throws IOException {
            String head = in.readLine();
            if (head == null || !head.startsWith("*")) {
                return null;
            }
            String name = null;
            for (int i = Integer.parseInt(head.substring(1)); i > 0; i--) {
                in.readLine();
                String arg = in.readLine();
                name = name == null ? arg : name;
            }
            return name;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static List<String> linkLog(boolean realReplica) throws Exception {
        RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0");
        String masterAt = "127.0.0.1 " + master.port();
        RealRedis real = null;
        RedisServer jredis = null;
        Supplier<String> log;
        int port;
        try {
            try (Jedis m = new Jedis("127.0.0.1", master.port())) {
                m.set("k", "v");
            }
            if (realReplica) {
                real = RealRedis.start("--loglevel", "notice", "--replicaof", "127.0.0.1",
                        Integer.toString(master.port()));
                port = real.port();
                RealRedis r = real;
                log = r::log;
            } else {
                jredis = Nodes.jredis("replicaof", masterAt);
                port = jredis.port();
                RedisServer j = jredis;
                log = () -> Nodes.log(j);
            }
            try (Jedis replica = new Jedis("127.0.0.1", port)) {
                Nodes.await("the replica's link up", 20, () -> "up".equals(Nodes.info(replica, "master_link_status")));
                master.close();
                Nodes.await("a refused redial logged", 20,
                        () -> log.get().contains("# Error condition on socket for SYNC: Connection refused\n"));
                replica.replicaofNoOne();
                Nodes.await("master mode logged", 20, () -> log.get().contains("MASTER MODE enabled"));
            }
            return linkMessages(log.get());
        } finally {
            master.close();
            if (real != null) {
                real.close();
            }
            if (jredis != null) {
                jredis.close();
            }
        }
    }

    /**
     * The messages from the first "Connecting to MASTER" on, numbers and ids masked, and the client description of
     * REPLICAOF's line cut. What the redials log between "Reconnecting to MASTER" and REPLICAOF NO ONE is left out
     * (the test waits for a refused one): how many there are, and whether the first one still reached the dying
     * master's socket, is a matter of timing.
     */
    private static List<String> linkMessages(String log) {
        List<String> all = RedisLog.messages(log);
        List<String> link = new ArrayList<>();
        boolean redialing = false;
        for (int i = all.indexOf("S * Connecting to MASTER <n>.<n>.<n>.<n>:<n>"); i >= 0 && i < all.size(); i++) {
            String msg = all.get(i);
            if (msg.equals("M * Discarding previously cached master state.")) {
                redialing = false;
            }
            if (!redialing) {
                link.add(msg);
            }
            redialing |= msg.startsWith("S * Reconnecting to MASTER ");
        }
        return link;
    }
}
