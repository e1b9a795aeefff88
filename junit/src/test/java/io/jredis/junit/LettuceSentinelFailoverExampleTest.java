package io.jredis.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.cluster.EmbeddedCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same application test with Lettuce: the client is configured with a Sentinel {@link RedisURI}; after the
 * master is killed, a new connection from the same URI reaches the promoted master.
 */
class LettuceSentinelFailoverExampleTest {
    @RegisterExtension
    static JRedisExtension cluster = JRedisExtension.cluster(b -> b.replicas(1).sentinels(3).quorum(2));

    @Test
    void newConnectionsReachThePromotedMaster(ClusterEndpoints endpoints) {
        RedisURI uri = RedisURI.create(endpoints.sentinelUri());
        RedisClient client = RedisClient.create();
        try {
            try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
                c.sync().set("session", "alive");
                assertEquals(1L, c.sync().waitForReplication(1, 5000));
            }
            EmbeddedCluster embedded = endpoints.cluster();
            embedded.master().kill();
            // As in JedisSentinelFailoverExampleTest: room for a Sentinel in TILT (30 s) on a loaded machine.
            EmbeddedCluster.Node promoted = embedded.awaitFailover(Duration.ofSeconds(60));

            try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
                assertEquals("alive", c.sync().get("session"));
                assertEquals("master", c.sync().role().get(0));
                assertEquals("OK", c.sync().set("after", "failover"));
            }
            assertEquals("failover", promoted.call("GET", "after"));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
