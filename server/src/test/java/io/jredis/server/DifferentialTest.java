package io.jredis.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.DifferentialRunner;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        URL dir = DifferentialTest.class.getResource("/differential");
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
            files = s.filter(p -> p.toString().endsWith(".redis")).sorted().toList();
        }
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String script;
            try (InputStream in = Files.newInputStream(f)) {
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> mismatches = DifferentialRunner.run(f.getFileName().toString(), script, jredis.port(),
                    redis.port());
            assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " replies differ from redis-server:\n"
                    + String.join("\n", mismatches));
        }));
    }
}
