package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replies and errors of the replication commands, byte for byte against redis-server 7.0. */
class ReplicationRepliesTest {

    /** Runs the same commands on both servers and compares each raw reply. */
    private static void compare(RawClient jr, RawClient real, String... cmd) throws Exception {
        byte[][] args = RawClient.args(cmd);
        String expected = new String(real.callRaw(args), StandardCharsets.UTF_8);
        String actual = new String(jr.callRaw(args), StandardCharsets.UTF_8);
        assertEquals(expected, actual, String.join(" ", cmd));
    }

    private static List<String> infoFieldNames(RawClient c) throws Exception {
        List<String> names = new ArrayList<>();
        for (String line : RawClient.text(c.call("INFO", "replication")).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                names.add(line.substring(0, colon));
            }
        }
        return names;
    }

    @Test
    void repliesMatchRedis() throws Exception {
        int closedPort = RealRedis.freePort();
        try (RealRedis real = RealRedis.start();
                RedisServer jredis = Nodes.jredis();
                RawClient r = new RawClient("127.0.0.1", real.port());
                RawClient j = new RawClient("127.0.0.1", jredis.port())) {
            String[][] master = {
                {"REPLCONF"}, {"REPLCONF", "a"}, {"REPLCONF", "foo", "bar"}, {"REPLCONF", "listening-port", "x"},
                {"REPLCONF", "listening-port", "5"}, {"REPLCONF", "capa", "foo", "capa", "eof"},
                {"REPLCONF", "ip-address", "a".repeat(256)}, {"REPLCONF", "ip-address", "a".repeat(255)},
                {"REPLCONF", "rdb-only", "x"}, {"REPLCONF", "rdb-only", "5"}, {"REPLCONF", "rdb-only", "1"},
                {"REPLCONF", "rdb-filter-only", "x"}, {"REPLCONF", "rdb-filter-only", ""},
                {"REPLCONF", "rdb-filter-only", "functions"},
                {"WAIT"}, {"WAIT", "x", "0"}, {"WAIT", "0", "x"}, {"WAIT", "0", "-1"}, {"WAIT", "0", "0"},
                {"WAIT", "1", "10"}, {"ROLE"}, {"REPLICAOF", "a"}, {"REPLICAOF", "a", "x"},
                {"REPLICAOF", "a", "70000"}, {"SLAVEOF", "no", "one"}, {"PSYNC", "a"},
                {"PSYNC", "replicationid", "offset_str"}, {"PING"}, {"SET", "k", "v"},
                {"CONFIG", "SET", "min-replicas-to-write", "1"}, {"SET", "k", "v"}, {"GET", "k"},
                {"CONFIG", "SET", "min-replicas-to-write", "0"},
            };
            for (String[] cmd : master) {
                compare(j, r, cmd);
            }
            assertEquals(infoFieldNames(r), infoFieldNames(j));
            org.junit.jupiter.api.Assertions.assertTrue(Nodes.log(jredis).contains(
                    " asks for synchronization but with a wrong offset"), Nodes.log(jredis));

            String[][] replica = {
                {"REPLICAOF", "127.0.0.1", Integer.toString(closedPort)},
                {"REPLICAOF", "127.0.0.1", Integer.toString(closedPort)},
                {"SET", "k", "v"}, {"GET", "k"}, {"WAIT", "0", "0"},
                {"CONFIG", "SET", "replica-serve-stale-data", "no"}, {"GET", "k"}, {"PING"}, {"INFO", "keyspace"},
                {"PSYNC", "?", "-1"}, {"CONFIG", "SET", "replica-serve-stale-data", "yes"},
            };
            for (String[] cmd : replica) {
                compare(j, r, cmd);
            }
            assertEquals(infoFieldNames(r), infoFieldNames(j));
            compare(j, r, "REPLICAOF", "NO", "ONE");
            compare(j, r, "ROLE");
            compare(j, r, "CONFIG", "GET", "replicaof");
            assertEquals(infoFieldNames(r), infoFieldNames(j));
        }
    }
}
