package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD, FLUSHALL's save and INFO persistence. */
class SaveCommandsTest {
    @Test
    void saveAndBgsaveReplyAsRedis(@TempDir Path dir) throws Exception {
        // 10 keys at 0.5 s each: the save still runs during the replies checked below however slowly a loaded
        // machine serves them (lifted afterwards).
        try (PersistentServer s = PersistentServer.start(dir, "save", "", "rdb-key-save-delay", "500000");
                Jedis j = s.jedis()) {
            for (int i = 0; i < 10; i++) {
                j.set("k" + i, "v");
            }
            assertEquals("Background saving started", j.bgsave());
            assertTrue(j.info("persistence").contains("rdb_bgsave_in_progress:1"));
            try (RawClient c = new RawClient("127.0.0.1", s.port())) {
                String inProgress = "(error) ERR Background save already in progress";
                assertEquals(inProgress, RawClient.text(c.call("BGSAVE")));
                assertEquals(inProgress, RawClient.text(c.call("BGSAVE", "SCHEDULE")));
                assertEquals(inProgress, RawClient.text(c.call("SAVE")));
                assertEquals("(error) ERR syntax error", RawClient.text(c.call("BGSAVE", "NOW")));
            }
            j.configSet("rdb-key-save-delay", "0");
            BgsaveConsistencyTest.awaitBgsaveDone(j);
            assertEquals("OK", j.save());
            String info = j.info("persistence");
            assertTrue(info.contains("rdb_saves:2"), info);
            assertTrue(info.contains("rdb_changes_since_last_save:0"), info);
            assertTrue(Math.abs(j.lastsave() - System.currentTimeMillis() / 1000) <= 2);
            try (RawClient c = new RawClient("127.0.0.1", s.port())) {
                c.call("MULTI");
                c.call("BGSAVE");
                assertEquals("[Background saving scheduled]", RawClient.text(c.call("EXEC")));
            }
            Await.until("the scheduled BGSAVE", 15, () -> {
                try {
                    return s.log().split("Background saving started", -1).length == 3;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            BgsaveConsistencyTest.awaitBgsaveDone(j);
            // Each background save is what Redis forks a child for; SAVE is not.
            assertTrue(j.info("stats").contains("total_forks:2"), j.info("stats"));
            j.configResetStat();
            assertTrue(j.info("stats").contains("total_forks:0"), j.info("stats"));
        }
    }

    @Test
    void debugReloadSavesFlushesAndLoads(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis();
                RawClient c = new RawClient("127.0.0.1", s.port())) {
            TestData.populate(j);
            Map<String, String> before = Datasets.read(j, 16);
            assertEquals("OK", RawClient.text(c.call("DEBUG", "RELOAD")));
            assertEquals(before, Datasets.read(j, 16));
            assertTrue(s.log().contains("DB reloaded by DEBUG RELOAD"));
            j.set("str:small", "changed");
            j.set("extra", "1");
            assertEquals("OK", RawClient.text(c.call("DEBUG", "RELOAD", "NOSAVE")));
            assertEquals("hello", j.get("str:small"));
            assertTrue(!j.exists("extra"));
            j.set("extra", "1");
            j.set("str:small", "changed");
            assertEquals("OK", RawClient.text(c.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE")));
            assertEquals("hello", j.get("str:small"));
            assertEquals("1", j.get("extra"));
            assertEquals("(error) ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.",
                    RawClient.text(c.call("DEBUG", "RELOAD", "FAST")));
            assertEquals("OK", RawClient.text(c.call("DEBUG", "SLEEP", "0")), "other subcommands still work");
        }
    }

    @Test
    void flushallWithSavePointsSavesTheEmptyDataset(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", "3600 1"); Jedis j = s.jedis()) {
            j.set("k", "v");
            assertEquals("OK", j.save());
            long size = Files.size(dir.resolve("dump.rdb"));
            j.flushAll();
            assertTrue(Files.size(dir.resolve("dump.rdb")) < size, "FLUSHALL rewrote the file");
            // As redis-server 7.0.15: the save FLUSHALL makes resets the counter.
            assertTrue(j.info("persistence").contains("rdb_changes_since_last_save:0\r\n"));
            j.set("k", "v");
            j.flushAll();
            assertTrue(j.info("persistence").contains("rdb_changes_since_last_save:0\r\n"));
        }
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            assertEquals(0, j.dbSize());
            j.set("k", "v");
            j.save();
            j.flushAll();
        }
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            assertEquals("v", j.get("k"), "without save points FLUSHALL does not touch the file");
        }
    }
}
