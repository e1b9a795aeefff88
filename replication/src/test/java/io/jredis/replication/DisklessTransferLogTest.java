package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** The master's log lines at the end of a diskless transfer, Redis's rdbPipeReadHandler ones. */
class DisklessTransferLogTest {
    @Test
    void transferStartAndEndAreLogged() {
        RedisServer master = Nodes.jredis("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0");
        RedisServer replica = Nodes.jredis();
        try (Jedis m = new Jedis("127.0.0.1", master.port()); Jedis r = new Jedis("127.0.0.1", replica.port())) {
            Nodes.fill(m, "k", 1000, 100);
            r.replicaof("127.0.0.1", master.port());
            Nodes.awaitCaughtUp(m, r);
            Nodes.await("the transfer's end logged", 20, () -> Nodes.log(master)
                    .contains("Diskless rdb transfer, done reading from pipe, 1 replicas still up."));
            // Redis names the child doing the transfer; here it is this process.
            assertTrue(Nodes.log(master).contains("Background RDB transfer started by pid "
                    + ProcessHandle.current().pid()), Nodes.log(master));
        } finally {
            replica.close();
            master.close();
        }
    }

    @Test
    void lastReplicaDroppedIsLogged() throws Exception {
        RedisServer master = Nodes.jredis("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "0",
                "enable-debug-command", "yes");
        try (Jedis m = new Jedis("127.0.0.1", master.port())) {
            Nodes.fill(m, "k", 100, 100);
            // 100 ms per key: the transfer is still running when its only replica goes.
            m.configSet("rdb-key-save-delay", "100000");
            try (RawClient replica = new RawClient("127.0.0.1", master.port())) {
                replica.call("REPLCONF", "capa", "eof", "capa", "psync2");
                assertTrue(RawClient.text(replica.call("PSYNC", "?", "-1")).startsWith("FULLRESYNC"));
                Nodes.await("the transfer started", 20, () -> Nodes.infoLong(m, "rdb_bgsave_in_progress") == 1);
            }
            Nodes.await("the transfer stopped", 30, () -> Nodes.infoLong(m, "rdb_bgsave_in_progress") == 0);
            String log = Nodes.log(master);
            assertTrue(log.contains("Diskless rdb transfer, last replica dropped, killing fork child."), log);
        } finally {
            master.close();
        }
    }

    /**
     * A replica that stops reading is timed out; the one sharing its transfer that took every byte sent so far only
     * waits for it and keeps its sync (Redis times out a diskless replica by its repl_last_partial_write).
     */
    @Test
    void onlyTheStalledReplicaTimesOut() throws Exception {
        RedisServer master = Nodes.jredis("repl-diskless-sync", "yes", "repl-diskless-sync-delay", "5",
                "repl-diskless-sync-max-replicas", "2", "repl-timeout", "5", "rdbcompression", "no");
        RedisServer replica = Nodes.jredis();
        try (Jedis m = new Jedis("127.0.0.1", master.port()); Jedis r = new Jedis("127.0.0.1", replica.port());
                Socket stalled = new Socket()) {
            // Far more than the stalled socket's buffers and the master's queue for it hold.
            Nodes.fill(m, "k", 3000, 10_000);
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", master.port()));
            OutputStream out = stalled.getOutputStream();
            out.write(("REPLCONF listening-port 1\r\nREPLCONF capa eof capa psync2\r\nPSYNC ? -1\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            r.replicaof("127.0.0.1", master.port());
            Nodes.await("the replica synced", 90, () -> "up".equals(Nodes.info(r, "master_link_status")));
            Nodes.awaitCaughtUp(m, r);
            String log = Nodes.log(master);
            assertTrue(log.contains("Disconnecting timedout replica (full sync): 127.0.0.1:1\n"), log);
            assertEquals(1, log.split("Disconnecting timedout replica", -1).length - 1, log);
            assertTrue(log.contains("Diskless rdb transfer, done reading from pipe, 1 replicas still up."), log);
            assertEquals(2, Nodes.infoLong(m, "sync_full"), "the replica synced once, with the stalled one");
        } finally {
            replica.close();
            master.close();
        }
    }
}
