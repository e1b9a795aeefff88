package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.RedisServer;
import io.jredis.server.testing.RealRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A replica's log through its link's life, line for line as redis-server's: started with {@code replicaof} and no
 * data it asks for a full sync without offering a history of its own ("no cached master", PSYNC ? -1); it redials
 * a lost master at once ("Reconnecting to MASTER"); each attempt says "sync started" before the connect's outcome,
 * which is the system's words ("Connection refused"); REPLICAOF NO ONE discards the cached master.
 */
class ReplicaLinkLogVsRedisTest {
    private static final Pattern LINE = Pattern.compile("\\d+:([XCMS]) \\d+ \\w+ \\d+ [\\d:.]+ ([#*.-] .*)");

    @Test
    void aReplicaLosingItsMasterLogsWhatRedisLogs() throws Exception {
        RealRedis.assumeInstalled();
        assertEquals(linkLog(true), linkLog(false), "redis-server replica's log, then jredis's");
    }

    private static List<String> linkLog(boolean realReplica) throws Exception {
        RealRedis master = RealRedis.start("--repl-diskless-sync-delay", "0");
        String masterAt = "127.0.0.1 " + master.port();
        RealRedis real = null;
        RedisServer jredis = null;
        Supplier<String> log;
        int port;
        try {
            try (Jedis m = new Jedis("127.0.0.1", master.port())) {
                m.set("k", "v");
            }
            if (realReplica) {
                real = RealRedis.start("--loglevel", "notice", "--replicaof", "127.0.0.1",
                        Integer.toString(master.port()));
                port = real.port();
                RealRedis r = real;
                log = () -> read(r);
            } else {
                jredis = Nodes.jredis("replicaof", masterAt);
                port = jredis.port();
                RedisServer j = jredis;
                log = () -> Nodes.log(j);
            }
            try (Jedis replica = new Jedis("127.0.0.1", port)) {
                Nodes.await("the replica's link up", 20, () -> "up".equals(Nodes.info(replica, "master_link_status")));
                master.close();
                Nodes.await("a failed redial logged", 20,
                        () -> log.get().contains("Error condition on socket for SYNC: "));
                replica.replicaofNoOne();
                Nodes.await("master mode logged", 20, () -> log.get().contains("MASTER MODE enabled"));
            }
            return linkMessages(log.get());
        } finally {
            master.close();
            if (real != null) {
                real.close();
            }
            if (jredis != null) {
                jredis.close();
            }
        }
    }

    private static String read(RealRedis r) {
        try {
            return Files.readString(r.dir().resolve("redis.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The messages from the first "Connecting to MASTER" on, numbers and ids masked, each redial the once-a-second
     * cron added after the first failed one left out (how many there are is a matter of timing), and the client
     * description of REPLICAOF's line cut.
     */
    private static List<String> linkMessages(String log) {
        List<String> all = new ArrayList<>();
        for (String l : log.split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches()) {
                String msg = m.group(1) + " " + m.group(2).replaceAll("[0-9a-f]{40}", "<id>").replaceAll("\\d+", "<n>");
                int user = msg.indexOf(" (user request");
                all.add(user > 0 ? msg.substring(0, user) : msg);
            }
        }
        List<String> link = new ArrayList<>();
        boolean failed = false;
        for (int i = all.indexOf("S * Connecting to MASTER <n>.<n>.<n>.<n>:<n>"); i >= 0 && i < all.size(); i++) {
            String msg = all.get(i);
            if (failed && msg.startsWith("S * Connecting to MASTER ")) {
                i += 2;
                continue;
            }
            failed |= msg.startsWith("S # Error condition on socket for SYNC: ");
            link.add(msg);
        }
        return link;
    }
}
