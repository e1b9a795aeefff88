package io.jredis.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.jredis.cluster.EmbeddedCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;

/**
 * What an application's failover test looks like: the application uses a {@link JedisSentinelPool}; the test kills
 * the master and checks that the application keeps working against the promoted replica.
 */
@JRedisCluster(replicas = 2, sentinels = 3, quorum = 2, downAfterMillis = 1000)
class JedisSentinelFailoverExampleTest {

    @Test
    void applicationSurvivesMasterCrash(ClusterEndpoints endpoints) {
        try (JedisSentinelPool pool = new JedisSentinelPool(endpoints.masterName(),
                endpoints.sentinelHostAndPorts())) {
            HostAndPort before = pool.getCurrentHostMaster();
            assertEquals(endpoints.master().port(), before.getPort());
            try (Jedis jedis = pool.getResource()) {
                jedis.set("order:1", "paid");
                assertEquals(2L, jedis.waitReplicas(2, 5000), "both replicas have the order");
            }

            EmbeddedCluster cluster = endpoints.cluster();
            cluster.master().kill();
            // A loaded machine can stall a Sentinel's timer for more than 2 s, and TILT then keeps it from acting
            // for 30 s: EmbeddedClusterTest's bound.
            EmbeddedCluster.Node promoted = cluster.awaitFailover(Duration.ofSeconds(60));

            EmbeddedCluster.awaitUntil("the pool follows +switch-master", Duration.ofSeconds(10),
                    () -> pool.getCurrentHostMaster().getPort() == promoted.port());
            assertNotEquals(before, pool.getCurrentHostMaster());
            try (Jedis jedis = pool.getResource()) {
                assertEquals("paid", jedis.get("order:1"), "acknowledged writes survive the failover");
                assertEquals("OK", jedis.set("order:2", "paid"));
            }
        }
    }
}
