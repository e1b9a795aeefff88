package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Sentinel monitors nodes whose default user is disabled, authenticating as an ACL user (auth-user/auth-pass). */
class SentinelAuthUserTest {

    @Test
    void sentinelAuthenticatesWithAnAclUser(@TempDir Path dir) throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis master = RealRedis.start()) {
            try (RawClient c = new RawClient("127.0.0.1", master.port())) {
                c.call("ACL", "SETUSER", "sentinel-user", "on", ">spw", "allchannels", "+@all");
                c.call("ACL", "SETUSER", "repl", "on", ">rpw", "+psync", "+replconf", "+ping");
                c.call("ACL", "SETUSER", "default", "off");
            }
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--masteruser", "repl", "--masterauth", "rpw")) {
                try (RawClient c = new RawClient("127.0.0.1", replica.port())) {
                    c.call("ACL", "SETUSER", "sentinel-user", "on", ">spw", "allchannels", "+@all");
                    c.call("ACL", "SETUSER", "default", "off");
                }
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
}
