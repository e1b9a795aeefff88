package io.jredis.server;

import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every script under {@code src/test/resources/differential} against jredis and a real redis-server and
 * requires identical replies. Add a {@code .redis} file there to cover a new command family.
 */
class DifferentialTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        return DifferentialRunner.scripts("/differential",
                (name, script) -> DifferentialRunner.run(name, script, servers.jredis().port(),
                        servers.redis().port()));
    }
}
