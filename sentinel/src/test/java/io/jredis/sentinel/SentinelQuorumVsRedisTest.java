package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TempPaths;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A quorum of 2^31 or more: Redis keeps it in an unsigned int, so a down master never becomes ODOWN, where a signed
 * comparison would see a negative quorum that one Sentinel reaches; CKQUORUM, though, casts it to a signed int and
 * answers OK. A real redis-sentinel and a jredis Sentinel get the same masters and must agree.
 */
class SentinelQuorumVsRedisTest {
    private static final String HUGE = "3000000000";

    private static SentinelLab lab;
    private static int real;
    private static int jredis;

    @BeforeAll
    static void start() throws Exception {
        lab = new SentinelLab(TempPaths.dir("sentinel-quorum")).dataNodes(0, null);
        // CKQUORUM counts the peers: both must know each other before its replies can match.
        SentinelLab.SentinelPair pair = lab.sentinelPair();
        real = pair.real();
        jredis = pair.jredis();
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void ckquorumComparesAHugeQuorumAsRedisDoes() throws Exception {
        for (int port : new int[] {real, jredis}) {
            assertEquals("OK", text(port, "SENTINEL", "SET", "mymaster", "quorum", HUGE));
        }
        try {
            assertEquals(raw(real, "SENTINEL", "CKQUORUM", "mymaster"), raw(jredis, "SENTINEL", "CKQUORUM", "mymaster"));
            assertEquals(HUGE, field(jredis, "mymaster", "quorum"));
            assertEquals(field(real, "mymaster", "quorum"), field(jredis, "mymaster", "quorum"));
        } finally {
            for (int port : new int[] {real, jredis}) {
                text(port, "SENTINEL", "SET", "mymaster", "quorum", "2");
            }
        }
    }

    @Test
    void aDownMasterWithAHugeQuorumIsNeverObjectivelyDown() throws Exception {
        int deadPort = RealRedis.freePort();
        for (int port : new int[] {real, jredis}) {
            assertEquals("OK", text(port, "SENTINEL", "MONITOR", "dead", "127.0.0.1", Integer.toString(deadPort),
                    HUGE));
            assertEquals("OK", text(port, "SENTINEL", "SET", "dead", "down-after-milliseconds", "100"));
            assertEquals("OK", text(port, "SENTINEL", "MONITOR", "dead1", "127.0.0.1", Integer.toString(deadPort),
                    "1"));
            assertEquals("OK", text(port, "SENTINEL", "SET", "dead1", "down-after-milliseconds", "100"));
        }
        try {
            // The quorum-1 twin shows the ODOWN check ran: its flags reach o_down after the same S_DOWN.
            for (int port : new int[] {real, jredis}) {
                SentinelLab.await("dead masters down on " + port, () -> field(port, "dead", "flags").contains("s_down")
                        && field(port, "dead1", "flags").contains("o_down"));
            }
            for (int port : new int[] {real, jredis}) {
                String flags = field(port, "dead", "flags");
                assertFalse(flags.contains("o_down"), port + ": " + flags);
            }
            assertEquals(field(real, "dead", "flags"), field(jredis, "dead", "flags"));
        } finally {
            for (int port : new int[] {real, jredis}) {
                text(port, "SENTINEL", "REMOVE", "dead");
                text(port, "SENTINEL", "REMOVE", "dead1");
            }
        }
    }

    private static String field(int port, String master, String name) {
        if (!(SentinelLab.call(port, "SENTINEL", "MASTER", master) instanceof List<?> fields)) {
            throw new AssertionError("no SENTINEL MASTER " + master + " on " + port);
        }
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (RespParser.toText(fields.get(i)).equals(name)) {
                return RespParser.toText(fields.get(i + 1));
            }
        }
        throw new AssertionError("no " + name + " for " + master + " on " + port);
    }

    private static String text(int port, String... args) {
        return RespParser.toText(SentinelLab.call(port, args));
    }

    private static String raw(int port, String... args) throws Exception {
        byte[][] argv = RawClient.args(args);
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            return new String(c.callRaw(argv), StandardCharsets.UTF_8);
        }
    }
}
