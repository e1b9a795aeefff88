package io.jredis.server.testing;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigException;
import io.jredis.server.config.Directive;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Starts an in-process jredis server on a free loopback port for a test; close it with try-with-resources. */
public final class TestServer implements AutoCloseable {
    private final RedisServer server;

    private TestServer(RedisServer server) {
        this.server = server;
    }

    /** Starts a server; {@code directives} are name/value pairs as on the command line. */
    public static TestServer start(String... directives) {
        ServerConfig cfg = new ServerConfig();
        try {
            cfg.find("bind").setFromString("127.0.0.1");
            cfg.find("port").setFromString("0");
            for (int i = 0; i < directives.length; i += 2) {
                Directive d = cfg.find(directives[i]);
                if (d == null) {
                    throw new IllegalArgumentException("unknown directive " + directives[i]);
                }
                d.setFromString(directives[i + 1]);
            }
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        RedisServer s = new RedisServer(cfg, Log.silent());
        try {
            s.start();
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException(e);
        }
        return new TestServer(s);
    }

    public int port() {
        return server.port();
    }

    public String host() {
        return "127.0.0.1";
    }

    public RedisServer server() {
        return server;
    }

    @Override
    public void close() {
        server.close();
    }
}
