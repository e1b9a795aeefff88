package io.jredis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The assembled server (every module's commands) lists exactly the commands of redis-server 7.0.15. */
class CommandTableCompleteTest {
    private static Set<String> names(Object reply) {
        Set<String> out = new TreeSet<>();
        for (Object o : (List<?>) reply) {
            out.add(RawClient.text(o));
        }
        return out;
    }

    @Test
    void sameCommandsAsRedis() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis real = RealRedis.start(); EmbeddedRedis j = EmbeddedRedis.builder().build().start();
                RawClient r = new RawClient("127.0.0.1", real.port()); RawClient c = new RawClient(j.host(), j.port())) {
            assertEquals(240L, r.call("COMMAND", "COUNT"));
            assertEquals(names(r.call("COMMAND", "LIST")), names(c.call("COMMAND", "LIST")));
            assertEquals(r.call("COMMAND", "COUNT"), c.call("COMMAND", "COUNT"));
        }
    }
}
