package io.jredis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The embedded server installs the AOF: appendonly yes persists across restarts, a broken AOF refuses start. */
class EmbeddedAofTest {
    @TempDir
    Path dir;

    private EmbeddedRedis server() {
        return EmbeddedRedis.builder().port(0).setting("dir", dir.toString()).setting("appendonly", "yes").build();
    }

    @Test
    void appendonlySurvivesRestart() {
        try (EmbeddedRedis r = server().start(); Jedis j = new Jedis(r.host(), r.port())) {
            j.set("k", "v");
        }
        assertTrue(Files.exists(dir.resolve("appendonlydir/appendonly.aof.manifest")));
        try (EmbeddedRedis r = server().start(); Jedis j = new Jedis(r.host(), r.port())) {
            assertEquals("v", j.get("k"));
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("jredis-aof"))) {
            assertTrue(System.nanoTime() < deadline, "AOF threads left after close");
            Thread.onSpinWait();
        }
    }

    @Test
    void brokenManifestRefusesStart() throws Exception {
        Files.createDirectories(dir.resolve("appendonlydir"));
        Files.writeString(dir.resolve("appendonlydir/appendonly.aof.manifest"), "file x seq 1 type b\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> server().start());
        assertTrue(e.getMessage().contains("x"), e.getMessage());
    }
}
