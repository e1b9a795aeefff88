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
 * Scripts under {@code src/test/resources/deprecated-lua}, run against jredis and a real redis-server both started
 * with {@code lua-enable-deprecated-api yes}: Lua 5.1's setfenv, getfenv and newproxy must behave as in Redis.
 */
class DeprecatedLuaApiVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair("lua-enable-deprecated-api", "yes");

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        return DifferentialRunner.scripts("/deprecated-lua",
                (name, script) -> DifferentialRunner.run(name, script, servers.jredis().port(),
                        servers.redis().port()));
    }
}
