package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hellos from a Sentinel replaced at the same address (a new run id) and from one that moved (same run id, new
 * port), as an operator sees them in the +sentinel* events: a real redis-sentinel and a jredis Sentinel get the
 * same hellos, published to them directly, and must announce the same events and keep the same peers.
 */
class SentinelPeerAddressVsRedisTest {

    @Test
    void replacedAndMovedPeersAreAnnouncedAsByRedis(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(0, null)) {
            SentinelLab.SentinelPair pair = lab.sentinelPair();
            int master = lab.master.port();
            int[] ports = {pair.real(), pair.jredis()};
            List<String> ids = new ArrayList<>();
            List<RawClient> subs = new ArrayList<>();
            for (int port : ports) {
                assertEquals("OK", RespParser.toText(SentinelLab.call(port, "SENTINEL", "MONITOR", "other",
                        "127.0.0.1", Integer.toString(master), "2")));
                ids.add(RespParser.toText(SentinelLab.call(port, "SENTINEL", "MYID")));
                RawClient sub = lab.add(new RawClient("127.0.0.1", port));
                sub.call("PSUBSCRIBE", "+sentinel*");
                subs.add(sub);
            }
            // Nothing listens on these ports: the fake peers never answer, only their hellos count.
            int p1 = RealRedis.freePort();
            int p2 = RealRedis.freePort();
            String a = "a".repeat(40);
            String b = "b".repeat(40);
            String[] hellos = {hello(p1, a, "mymaster", master), hello(p1, b, "mymaster", master),
                hello(p1, b, "other", master), hello(p2, b, "mymaster", master)};
            List<List<String>> seen = new ArrayList<>();
            for (int i = 0; i < ports.length; i++) {
                for (String h : hellos) {
                    SentinelLab.call(ports[i], "PUBLISH", "__sentinel__:hello", h);
                }
                // Redis: +sentinel a; +sentinel-invalid-addr a, +sentinel b; +sentinel b (other);
                // +sentinel-address-switch, +sentinel-address-update (other's entry follows).
                seen.add(read(subs.get(i), 6, ids));
            }
            assertEquals(seen.get(0), seen.get(1));
            for (int port : ports) {
                for (String name : new String[] {"mymaster", "other"}) {
                    String peers = RespParser.toText(SentinelLab.call(port, "SENTINEL", "SENTINELS", name));
                    assertTrue(!peers.contains(a) && peers.contains(b) && peers.contains(Integer.toString(p2))
                            && !peers.contains(Integer.toString(p1)), port + " " + name + ": " + peers);
                }
            }
        }
    }

    private static String hello(int port, String id, String name, int masterPort) {
        return "127.0.0.1," + port + "," + id + ",0," + name + ",127.0.0.1," + masterPort + ",0";
    }

    /** The next {@code n} events "channel message", skipping those about the lab's own Sentinels. */
    private static List<String> read(RawClient sub, int n, List<String> skip) throws Exception {
        List<String> events = new ArrayList<>();
        while (events.size() < n) {
            List<?> m = (List<?>) sub.read();
            String event = RespParser.toText(m.get(2)) + " " + RespParser.toText(m.get(3));
            if (skip.stream().noneMatch(event::contains)) {
                events.add(event);
            }
        }
        return events;
    }
}
