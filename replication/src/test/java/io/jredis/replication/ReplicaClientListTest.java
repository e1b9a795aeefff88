package io.jredis.replication;

import static io.jredis.replication.Nodes.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** CLIENT LIST on a replica lists its master's connection as redis-server 7.0 does. */
class ReplicaClientListTest {

    /** The master's line (flags=M) as "name=value" fields, values kept only for the fields that are stable. */
    private static List<String> masterLine(Jedis replica) {
        String line = null;
        for (String l : replica.clientList().split("\n")) {
            if (l.contains(" flags=M ")) {
                line = l.trim();
            }
        }
        assertNotNull(line, "no master connection in CLIENT LIST");
        List<String> fields = new ArrayList<>();
        for (String f : line.split(" ")) {
            String name = f.substring(0, f.indexOf('='));
            boolean stable = name.equals("flags") || name.equals("user") || name.equals("name")
                    || name.equals("multi") || name.equals("resp");
            fields.add(stable ? f : name);
        }
        return fields;
    }

    @Test
    void masterConnectionIsListedWithTheSuperuser() throws Exception {
        try (RealRedis realMaster = RealRedis.start();
                RealRedis realReplica = RealRedis.start("--replicaof", "127.0.0.1",
                        Integer.toString(realMaster.port()));
                RedisServer master = Nodes.jredis();
                RedisServer replica = Nodes.jredis("replicaof", "127.0.0.1 " + master.port());
                Jedis rm = new Jedis("127.0.0.1", realMaster.port());
                Jedis rr = new Jedis("127.0.0.1", realReplica.port());
                Jedis m = new Jedis("127.0.0.1", master.port());
                Jedis r = new Jedis("127.0.0.1", replica.port())) {
            awaitCaughtUp(rm, rr);
            awaitCaughtUp(m, r);
            List<String> expected = masterLine(rr);
            assertEquals("user=(superuser)", expected.get(expected.size() - 3));
            assertEquals(expected, masterLine(r));
            // The connection that asked survives the listing and keeps serving.
            assertEquals("PONG", r.ping());
            // INFO connected_clients leaves the replica out on the master, counts the master's link on the replica.
            assertEquals(Nodes.info(rm, "connected_clients"), Nodes.info(m, "connected_clients"));
            assertEquals("1", Nodes.info(m, "connected_clients"));
            assertEquals(Nodes.info(rr, "connected_clients"), Nodes.info(r, "connected_clients"));
        }
    }
}
