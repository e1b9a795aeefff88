package io.jredis.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
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
                ServerConfig cfg = new ServerConfig();
                SentinelModule.prepare(cfg);
                new ConfigFile(cfg).load(ConfigFile.CommandLine.parse(List.of(conf.toString(), "--port", "0")),
                        System.in);
                try (RedisServer sentinel = new RedisServer(cfg, Log.silent())) {
                    SentinelModule module = SentinelModule.install(sentinel);
                    sentinel.start();
                    module.start(sentinel);
                    int p = sentinel.port();
                    // Replicas are learned from the master's INFO and then monitored: both need the ACL user.
                    SentinelFailoverTest.await("the Sentinel reads the master and its replica", () -> {
                        Object reps = SentinelFailoverTest.call(p, "SENTINEL", "REPLICAS", "mymaster");
                        return reps instanceof List<?> l && l.size() == 1
                                && RespParser.toText(l.get(0)).contains("master-link-status, ok");
                    });
                    String masterReport = RespParser.toText(SentinelFailoverTest.call(p, "SENTINEL", "MASTER",
                            "mymaster"));
                    assertEquals(true, masterReport.contains("flags, master,"), masterReport);
                }
            }
        }
    }
}
