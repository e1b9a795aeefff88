package io.jredis.server.scripting;

import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scripts under {@code src/test/resources/lua51}, run against jredis and a real redis-server: where Lua 5.1 as
 * Redis embeds it and LuaJ underneath jredis would answer differently (table lengths and traversal order, number
 * text), the replies must be Redis's.
 */
class Lua51VsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        return DifferentialRunner.scripts("/lua51",
                (name, script) -> DifferentialRunner.run(name, script, servers.jredis().port(),
                        servers.redis().port()));
    }
}
