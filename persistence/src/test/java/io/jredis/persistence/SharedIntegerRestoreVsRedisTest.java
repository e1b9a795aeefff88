package io.jredis.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RESTORE's IDLETIME on a value Redis stores as a shared integer (0..9999, no maxmemory) sets the shared object's
 * field (objectSetLRUOrLFU), so every key holding that integer shows it; a value that is not shared keeps its own.
 */
class SharedIntegerRestoreVsRedisTest {
    @TempDir
    Path dir;

    @Test
    void restoreIdletimeOfASmallIntegerSetsTheSharedField() throws Exception {
        RealRedis.assumeInstalled();
        List<List<Long>> sides = new ArrayList<>();
        try (RealRedis real = RealRedis.start()) {
            sides.add(restoreIdle(real.port()));
        }
        try (PersistentServer s = PersistentServer.start(dir)) {
            sides.add(restoreIdle(s.port()));
        }
        assertEquals(List.of(5000L, 5000L, 6000L, 0L), sides.get(0), "redis-server");
        assertEquals(sides.get(0), sides.get(1), "redis-server, then jredis");
    }

    private static List<Long> restoreIdle(int port) throws Exception {
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            restoreIdle(c, "777", "small", "5000");
            restoreIdle(c, "77777", "big", "6000");
            List<Long> idle = new ArrayList<>();
            for (String key : List.of("small:copy", "small", "big:copy", "big")) {
                idle.add((Long) c.call("OBJECT", "IDLETIME", key));
            }
            return idle;
        }
    }

    /** Sets {@code key} to {@code value}, then restores its dump as key:copy with IDLETIME {@code seconds}. */
    private static void restoreIdle(RawClient c, String value, String key, String seconds) throws Exception {
        c.call("SET", key, value);
        byte[] payload = (byte[]) c.call("DUMP", key);
        c.callRaw("RESTORE".getBytes(), (key + ":copy").getBytes(), "0".getBytes(), payload,
                "IDLETIME".getBytes(), seconds.getBytes());
    }
}
