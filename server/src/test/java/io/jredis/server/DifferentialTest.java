package io.jredis.server;

import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every script under {@code src/test/resources/differential} against jredis and a real redis-server and
 * requires identical replies. Add a {@code .redis} file there to cover a new command family.
 */
class DifferentialTest {
    private static TestServer jredis;
    private static RealRedis redis;

    @BeforeAll
    static void start() throws Exception {
        RealRedis.assumeInstalled();
        redis = RealRedis.start();
        jredis = TestServer.start();
    }

    @AfterAll
    static void stop() {
        if (jredis != null) {
            jredis.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        return DifferentialRunner.scripts("/differential",
                (name, script) -> DifferentialRunner.run(name, script, jredis.port(), redis.port()));
    }
}
