package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The changes FLUSHALL and FLUSHDB add to rdb_changes_since_last_save (which save points count), as redis-server
 * 7.0.15 adds them: the removed keys only, so a flush of an empty dataset adds none.
 */
class FlushChangesVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    @Test
    void flushesCountTheRemovedKeysOnly() throws IOException {
        String[][] steps = {
            {"FLUSHALL"}, {"FLUSHALL"}, {"SET", "a", "1"}, {"MSET", "b", "2", "c", "3"}, {"FLUSHALL", "SYNC"},
            {"FLUSHALL", "ASYNC"}, {"FLUSHALL", "bad"}, {"SET", "a", "1"}, {"FLUSHDB"}, {"FLUSHDB"},
        };
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            List<String> counts = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                long start = c.infoLong("persistence", "rdb_changes_since_last_save");
                for (String[] step : steps) {
                    c.call(step);
                    counts.add(String.join(" ", step) + " -> "
                            + (c.infoLong("persistence", "rdb_changes_since_last_save") - start));
                }
            }
            sides.add(counts);
        }
        assertEquals(sides.get(0), sides.get(1));
    }
}
