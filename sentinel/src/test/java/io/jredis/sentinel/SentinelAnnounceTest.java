package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.RedisServer;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
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

    /**
     * With resolve-hostnames a master added by host name is announced by that name only while announce-hostnames is
     * on; otherwise replies and the rewritten config show the address it resolves to, as Redis's
     * announceSentinelAddr.
     */
    @Test
    void hostnamesAreAnnouncedOnlyWithAnnounceHostnames(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis master = RealRedis.start()) {
            Path conf = dir.resolve("s.conf");
            Files.writeString(conf, "bind 127.0.0.1\nsentinel resolve-hostnames yes\nsentinel announce-hostnames yes\n"
                    + "sentinel monitor mymaster localhost " + master.port() + " 1\n");
            try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
                int p = sentinel.port();
                assertEquals("localhost:" + master.port(), SentinelLab.masterAddr(p));
                assertTrue(Files.readString(conf).contains("sentinel monitor mymaster localhost " + master.port()),
                        Files.readString(conf));
                assertEquals("OK", RespParser.toText(SentinelLab.call(p, "SENTINEL", "CONFIG", "SET",
                        "announce-hostnames", "no")));
                String addr = SentinelLab.masterAddr(p);
                assertTrue(addr.equals("127.0.0.1:" + master.port()) || addr.equals("::1:" + master.port()), addr);
                // The config file too gets the address the Sentinel announces.
                assertTrue(Files.readString(conf).contains("sentinel monitor mymaster "
                        + addr.substring(0, addr.lastIndexOf(':')) + " " + master.port()), Files.readString(conf));
                String report = RespParser.toText(SentinelLab.call(p, "SENTINEL", "MASTER", "mymaster"));
                assertTrue(report.contains("ip, " + addr.substring(0, addr.lastIndexOf(':')) + ","), report);
                SentinelLab.await("the master is connected", () -> RespParser.toText(
                        SentinelLab.call(p, "SENTINEL", "MASTER", "mymaster")).contains("flags, master,"));
            }
        }
    }

    /**
     * A master monitored by host name is named in the REPLICAOF a Sentinel sends as it announces it: the resolved
     * address without announce-hostnames, the name with it (a replica turned master is converted back each time).
     */
    @Test
    void replicaofNamesTheMasterAsTheSentinelAnnouncesIt(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(1, null)) {
            Path conf = dir.resolve("s.conf");
            Files.writeString(conf, "bind 127.0.0.1\nsentinel resolve-hostnames yes\n"
                    + "sentinel monitor mymaster localhost " + lab.master.port() + " 1\n");
            try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
                int p = sentinel.port();
                SentinelLab.call(p, "SENTINEL", "DEBUG", "INFO-PERIOD", "100", "PUBLISH-PERIOD", "100");
                SentinelLab.await("the replica is known", () -> replicas(p) == 1);
                int replica = lab.replicas.get(0).port();
                String resolved = SentinelLab.masterAddr(p);
                assertEquals(resolved.substring(0, resolved.lastIndexOf(':')), convertedTo(replica));
                assertEquals("OK", RespParser.toText(SentinelLab.call(p, "SENTINEL", "CONFIG", "SET",
                        "announce-hostnames", "yes")));
                assertEquals("localhost", convertedTo(replica));
            }
        }
    }

    /** Turns the replica into a master and returns the master host it replicates from once Sentinel fixed it. */
    private static String convertedTo(int replica) {
        assertEquals("OK", RespParser.toText(SentinelLab.call(replica, "REPLICAOF", "NO", "ONE")));
        String[] host = new String[1];
        SentinelLab.await("Sentinel makes it a replica again", () -> {
            String info = SentinelLab.info(replica, null);
            host[0] = RawClient.infoValue(info, "master_host");
            return info.contains("role:slave") && host[0] != null;
        });
        return host[0];
    }

    private static int replicas(int sentinelPort) {
        return SentinelLab.call(sentinelPort, "SENTINEL", "REPLICAS", "mymaster") instanceof List<?> l ? l.size() : -1;
    }
}
