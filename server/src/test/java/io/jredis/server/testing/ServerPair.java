package io.jredis.server.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An in-process jredis and a real redis-server started side by side for a test class that compares them, with the
 * same directives (redis-server gets them as {@code --name value}); the class is skipped with the reason when
 * redis-server is not installed. Register it as {@code @RegisterExtension static final ServerPair servers = ...}.
 */
public final class ServerPair implements BeforeAllCallback, AfterAllCallback {
    private final String[] directives;
    private TestServer jredis;
    private RealRedis redis;

    public ServerPair(String... directives) {
        this.directives = directives;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        RealRedis.assumeInstalled();
        String[] options = directives.clone();
        for (int i = 0; i < options.length; i += 2) {
            options[i] = "--" + options[i];
        }
        redis = RealRedis.start(options);
        jredis = TestServer.start(directives);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (jredis != null) {
            jredis.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    public TestServer jredis() {
        return jredis;
    }

    public RealRedis redis() {
        return redis;
    }
}
