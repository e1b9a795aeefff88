package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.protocol.RespParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Sentinel announces about the instances it monitors. */
class SentinelAnnounceTest {

    /** A replica with replica-announced no is monitored but left out of SENTINEL REPLICAS, as in Redis. */
    @Test
    void unannouncedReplicasAreNotListed(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(2, null)) {
            RedisServer sentinel = lab.jredisSentinel("s1", lab.sentinelConf(""));
            int p = sentinel.port();
            SentinelLab.call(p, "SENTINEL", "DEBUG", "INFO-PERIOD", "100");
            SentinelLab.await("both replicas listed", () -> replicas(p) == 2);
            assertEquals("OK", RespParser.toText(SentinelLab.call(lab.replicas.get(0).port(), "CONFIG", "SET",
                    "replica-announced", "no")));
            SentinelLab.await("the unannounced replica is left out", () -> replicas(p) == 1);
            assertEquals("OK", RespParser.toText(SentinelLab.call(lab.replicas.get(0).port(), "CONFIG", "SET",
                    "replica-announced", "yes")));
            SentinelLab.await("both replicas listed again", () -> replicas(p) == 2);
        }
    }

    private static int replicas(int sentinelPort) {
        return SentinelLab.call(sentinelPort, "SENTINEL", "REPLICAS", "mymaster") instanceof List<?> l ? l.size() : -1;
    }
}
