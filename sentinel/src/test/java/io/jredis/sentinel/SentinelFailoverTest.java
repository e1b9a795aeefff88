package io.jredis.sentinel;

import static io.jredis.sentinel.SentinelLab.await;
import static io.jredis.sentinel.SentinelLab.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mixed quorum (two jredis Sentinels and one real redis-sentinel) watching real redis-server data nodes agrees
 * that the master is down, elects a leader, promotes a replica and announces +switch-master everywhere.
 */
class SentinelFailoverTest {

    @Test
    void mixedQuorumFailsOverTogether(@TempDir Path dir) throws Exception {
        try (SentinelLab lab = new SentinelLab(dir).dataNodes(2, null)) {
            RealRedis master = lab.master;
            RealRedis r1 = lab.replicas.get(0);
            RealRedis r2 = lab.replicas.get(1);
            // Each jredis Sentinel runs a client-reconfig script: the leader's or an observer's "start" call.
            Path reconf = dir.resolve("reconf.txt");
            Path script = dir.resolve("reconf.sh");
            Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + reconf + "\n");
            Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            String scriptLine = "sentinel client-reconfig-script mymaster " + script + "\n";
            lab.jredisSentinel("s1", lab.sentinelConf(scriptLine));
            lab.jredisSentinel("s2", lab.sentinelConf(scriptLine));
            lab.realSentinel("s3", lab.sentinelConf(""));
            lab.awaitDiscovery();
            List<RawClient> subscribers = new ArrayList<>();
            for (int p : lab.sentinelPorts) {
                RawClient sub = lab.add(new RawClient("127.0.0.1", p));
                sub.call("SUBSCRIBE", "+switch-master");
                subscribers.add(sub);
            }

            master.close();
            // Read once every Sentinel names a new master: the failover can outlast a read's 10 s socket timeout when
            // a loaded machine put the Sentinels in TILT (30 s) first.
            String old = "127.0.0.1:" + master.port();
            SentinelLab.await("every Sentinel names a new master", () -> lab.sentinelPorts.stream()
                    .allMatch(p -> SentinelLab.announcesOtherThan(p, old)));

            Set<Integer> replicas = Set.of(r1.port(), r2.port());
            for (RawClient sub : subscribers) {
                String msg = RespParser.toText(((List<?>) sub.read()).get(2));
                String[] w = msg.split(" ");
                assertEquals("mymaster", w[0], msg);
                assertEquals(Integer.toString(master.port()), w[2], msg);
                assertTrue(replicas.contains(Integer.parseInt(w[4])), msg);
            }
            String promoted = null;
            for (int p : lab.sentinelPorts) {
                String addr = RespParser.toText(call(p, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"));
                if (promoted == null) {
                    promoted = addr;
                }
                assertEquals(promoted, addr, "every Sentinel names the same master");
            }
            int newMaster = Integer.parseInt(promoted.substring(promoted.lastIndexOf(' ') + 1, promoted.length() - 1));
            assertEquals("OK", RespParser.toText(call(newMaster, "SET", "after", "failover")));
            String move = "127.0.0.1 " + master.port() + " 127.0.0.1 " + newMaster;
            await("a client-reconfig script call", () -> {
                try {
                    return Files.exists(reconf) && Files.readAllLines(reconf).stream().anyMatch(l ->
                            l.equals("mymaster leader start " + move) || l.equals("mymaster observer start " + move));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            int other = newMaster == r1.port() ? r2.port() : r1.port();
            await("the other replica follows the new master", () -> RespParser.toText(call(other, "INFO",
                    "replication")).contains("master_port:" + newMaster));
        }
    }
}
