package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Sentinel monitors nodes whose default user is disabled, authenticating as an ACL user (auth-user/auth-pass); with
 * wrong credentials its link counts as disconnected.
 */
class SentinelAuthUserTest {

    @Test
    void sentinelAuthenticatesWithAnAclUser(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis master = RealRedis.start()) {
            onlyAclUsers(master.port(), new String[] {"sentinel-user", "on", ">spw", "allchannels", "+@all"},
                    new String[] {"repl", "on", ">rpw", "+psync", "+replconf", "+ping"});
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--masteruser", "repl", "--masterauth", "rpw")) {
                onlyAclUsers(replica.port(), new String[] {"sentinel-user", "on", ">spw", "allchannels", "+@all"});
                Path conf = dir.resolve("s.conf");
                Files.writeString(conf, "bind 127.0.0.1\nport 0\nsentinel monitor mymaster 127.0.0.1 " + master.port()
                        + " 1\nsentinel auth-user mymaster sentinel-user\nsentinel auth-pass mymaster spw\n");
                try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
                    int p = sentinel.port();
                    // Replicas are learned from the master's INFO and then monitored: both need the ACL user.
                    SentinelLab.await("the Sentinel reads the master and its replica", () -> {
                        Object reps = SentinelLab.call(p, "SENTINEL", "REPLICAS", "mymaster");
                        return reps instanceof List<?> l && l.size() == 1
                                && RespParser.toText(l.get(0)).contains("master-link-status, ok");
                    });
                    String masterReport = RespParser.toText(SentinelLab.call(p, "SENTINEL", "MASTER",
                            "mymaster"));
                    assertEquals(true, masterReport.contains("flags, master,"), masterReport);
                }
            }
        }
    }

    /**
     * When the master's password changes under a connected Sentinel, the pub/sub connection's SUBSCRIBE fails with
     * NOAUTH and Redis's Sentinel drops that connection (hiredis closes it): the master shows "disconnected" until
     * the Sentinel gets the new password.
     */
    @Test
    void obsoleteCredentialsFlagTheMasterDisconnected(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis master = RealRedis.start()) {
            onlyAclUsers(master.port(), new String[] {"u", "on", ">pw", "allchannels", "+@all"});
            Path conf = dir.resolve("s.conf");
            // A long down-after keeps s_down out of the flags: only the link state is under test.
            Files.writeString(conf, "bind 127.0.0.1\nport 0\nsentinel monitor mymaster 127.0.0.1 " + master.port()
                    + " 1\nsentinel down-after-milliseconds mymaster 600000\nsentinel auth-user mymaster u\n"
                    + "sentinel auth-pass mymaster pw\n");
            try (RedisServer sentinel = SentinelLab.startSentinel(conf)) {
                int p = sentinel.port();
                SentinelLab.await("the master is connected", () -> flags(p).equals("master"));
                try (RawClient c = new RawClient("127.0.0.1", master.port())) {
                    c.call("AUTH", "u", "pw");
                    c.call("ACL", "SETUSER", "u", "resetpass", ">pw2");
                    c.call("CLIENT", "KILL", "USER", "u", "SKIPME", "yes");
                }
                // Both Sentinels reconnect every second and are briefly connected each time: look for a mostly
                // disconnected two-second stretch (before the fix, the command connection alone made it connected).
                SentinelLab.await("the master stays flagged disconnected", () -> mostlyDisconnected(p));
                assertEquals("OK", RespParser.toText(SentinelLab.call(p, "SENTINEL", "SET", "mymaster", "auth-pass",
                        "pw2")));
                SentinelLab.await("the master is connected with the new password", () -> flags(p).equals("master"));
            }
        }
    }

    /**
     * SENTINEL CONFIG SET sentinel-pass drops the links to peer Sentinels (Redis's sentinelDropConnections): they
     * reconnect with the new password at once instead of staying on a connection that gets NOAUTH.
     */
    @Test
    void newSentinelPassReconnectsToPeers(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(0, null)) {
            lab.jredisSentinel("b", "requirepass pw\n" + lab.sentinelConf(""));
            RedisServer a = lab.jredisSentinel("a", lab.sentinelConf(""));
            int p = a.port();
            // No reconnection for inactivity during the test: only the drop can bring the password to b.
            SentinelLab.call(p, "SENTINEL", "DEBUG", "MIN-LINK-RECONNECT-PERIOD", "600000");
            SentinelLab.await("a sees b down: its pings get NOAUTH", () -> peerFlags(p).contains("s_down"));
            assertEquals("OK", RespParser.toText(SentinelLab.call(p, "SENTINEL", "CONFIG", "SET", "sentinel-pass",
                    "pw")));
            SentinelLab.await("a reconnects to b with the password", () -> peerFlags(p).equals("sentinel"));
        }
    }

    /** ACL SETUSER of each of {@code users} (a name and its rules) at {@code port}, then the default user off. */
    private static void onlyAclUsers(int port, String[]... users) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            for (String[] user : users) {
                List<String> argv = new ArrayList<>(List.of("ACL", "SETUSER"));
                argv.addAll(List.of(user));
                c.call(argv.toArray(String[]::new));
            }
            c.call("ACL", "SETUSER", "default", "off");
        }
    }

    private static String peerFlags(int sentinelPort) {
        Object r = SentinelLab.call(sentinelPort, "SENTINEL", "SENTINELS", "mymaster");
        return r instanceof List<?> l && l.size() == 1 && l.get(0) instanceof List<?> peer ? flagsField(peer) : "";
    }

    private static boolean mostlyDisconnected(int sentinelPort) {
        int disconnected = 0;
        for (int i = 0; i < 10; i++) {
            if (flags(sentinelPort).contains("disconnected")) {
                disconnected++;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return disconnected >= 8;
    }

    private static String flags(int sentinelPort) {
        Object r = SentinelLab.call(sentinelPort, "SENTINEL", "MASTER", "mymaster");
        return r instanceof List<?> l ? flagsField(l) : "";
    }

    /** The flags value in a Sentinel report (a flat name, value, ... list), "" without one. */
    private static String flagsField(List<?> report) {
        for (int i = 0; i + 1 < report.size(); i += 2) {
            if (RespParser.toText(report.get(i)).equals("flags")) {
                return RespParser.toText(report.get(i + 1));
            }
        }
        return "";
    }
}
