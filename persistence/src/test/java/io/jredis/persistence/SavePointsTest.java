package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** Save points, stop-writes-on-bgsave-error and the save on SHUTDOWN, as Redis's serverCron and prepareForShutdown. */
class SavePointsTest {
    @Test
    void aSavePointStartsABackgroundSave(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", "1 2"); Jedis j = s.jedis()) {
            long started = j.lastsave();
            j.set("a", "1");
            assertTrue(j.info("persistence").contains("rdb_changes_since_last_save:1"));
            j.set("b", "2");
            Await.until("the save point's BGSAVE", 15, () -> Files.exists(dir.resolve("dump.rdb")));
            Await.until("the save to finish", 15,
                    () -> j.info("persistence").contains("rdb_changes_since_last_save:0"));
            String log = s.log();
            assertTrue(log.contains("2 changes in 1 seconds. Saving..."), log);
            assertTrue(log.contains("Background saving started"), log);
            assertTrue(log.contains("Background saving terminated with success"), log);
            assertTrue(j.lastsave() > started);
            String info = j.info("persistence");
            assertTrue(info.contains("rdb_saves:1"), info);
            assertTrue(info.contains("rdb_last_bgsave_status:ok"), info);
            assertTrue(info.contains("rdb_last_bgsave_time_sec:0"), info);
            assertTrue(info.contains("rdb_current_bgsave_time_sec:-1"), info);
        }
        try (PersistentServer s = PersistentServer.start(dir); Jedis j = s.jedis()) {
            assertEquals("2", j.get("b"));
        }
    }

    @Test
    void writesAreRefusedWhileTheLastBackgroundSaveFailed(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", "3600 1"); Jedis j = s.jedis()) {
            j.set("k", "v");
            Files.createDirectory(dir.resolve("dump.rdb"));
            assertEquals("Background saving started", j.bgsave());
            Await.until("the failed BGSAVE", 15, () -> j.info("persistence").contains("rdb_last_bgsave_status:err"));
            assertTrue(s.log().contains("Error moving temp DB file"), s.log());
            assertTrue(s.log().contains("Background saving error"), s.log());
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.set("k", "w"));
            assertEquals(RdbPersistence.MISCONF, e.getMessage());
            assertThrows(JedisDataException.class, j::ping);
            assertEquals("v", j.get("k"));
            j.configSet("stop-writes-on-bgsave-error", "no");
            assertEquals("OK", j.set("k", "w"));
            j.configSet("stop-writes-on-bgsave-error", "yes");
            assertThrows(JedisDataException.class, () -> j.del("k"));
            assertEquals("ERR", assertThrows(JedisDataException.class, j::save).getMessage());
            Files.delete(dir.resolve("dump.rdb"));
            assertEquals("OK", j.save());
            assertEquals("OK", j.set("k", "x"));
            assertEquals("PONG", j.ping());
        }
    }

    /**
     * Starts on {@code dir} with save {@code save}: k must hold {@code expected}; sets it to {@code next}, then shuts
     * the server down with the command {@code shutdown}.
     */
    private static void restartAndSet(Path dir, String save, String expected, String next, String... shutdown)
            throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", save); Jedis j = s.jedis()) {
            assertEquals(expected, j.get("k"));
            j.set("k", next);
            shutdown(s, shutdown);
        }
    }

    @Test
    void shutdownSavesWhenSavePointsAreSet(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", "3600 1"); Jedis j = s.jedis()) {
            j.set("k", "saved at shutdown");
            shutdown(s, "SHUTDOWN");
            assertTrue(s.log().contains("Saving the final RDB snapshot before exiting."), s.log());
        }
        restartAndSet(dir, "3600 1", "saved at shutdown", "lost", "SHUTDOWN", "NOSAVE");
        restartAndSet(dir, "", "saved at shutdown", "not saved: no save points", "SHUTDOWN");
        restartAndSet(dir, "", "saved at shutdown", "saved by SHUTDOWN SAVE", "SHUTDOWN", "SAVE");
        try (PersistentServer s = PersistentServer.start(dir, "save", ""); Jedis j = s.jedis()) {
            assertEquals("saved by SHUTDOWN SAVE", j.get("k"));
        }
    }

    @Test
    void aFailedFinalSaveCancelsTheShutdownUnlessForced(@TempDir Path dir) throws Exception {
        try (PersistentServer s = PersistentServer.start(dir, "save", "3600 1")) {
            Files.createDirectory(dir.resolve("dump.rdb"));
            try (RawClient c = new RawClient("127.0.0.1", s.port())) {
                assertEquals("(error) ERR Errors trying to SHUTDOWN. Check logs.", RawClient.text(c.call("SHUTDOWN")));
                assertEquals("PONG", RawClient.text(c.call("PING")));
            }
            assertTrue(s.log().contains("Error trying to save the DB, can't exit."), s.log());
            shutdown(s, "SHUTDOWN", "FORCE");
            assertTrue(s.log().contains("Error trying to save the DB. Exit anyway."), s.log());
        }
    }

    @Test
    void shutdownStopsARunningBackgroundSave(@TempDir Path dir) throws Exception {
        // 20 keys of 0.5 s: the save is still running at SHUTDOWN however slowly a loaded machine gets there, and
        // its writer notices the abort after the key it is on.
        try (PersistentServer s = PersistentServer.start(dir, "save", "", "rdb-key-save-delay", "500000");
                Jedis j = s.jedis()) {
            for (int i = 0; i < 20; i++) {
                j.set("k" + i, "v");
            }
            j.bgsave();
            shutdown(s, "SHUTDOWN", "NOSAVE");
            assertTrue(s.log().contains("There is a child saving an .rdb. Killing it!"), s.log());
        }
    }

    private static void shutdown(PersistentServer s, String... cmd) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", s.port())) {
            c.send(RawClient.encode(RawClient.args(cmd)));
            assertTrue(c.closedByServer());
        }
        Await.until("the server to close", 15, () -> s.server().isClosed());
        assertFalse(Files.list(s.server().config().dir.path())
                .anyMatch(p -> p.getFileName().toString().startsWith("temp-")), "temp files left behind");
    }
}
