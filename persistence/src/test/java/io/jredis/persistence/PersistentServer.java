package io.jredis.persistence;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import io.jredis.server.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.Jedis;

/**
 * An in-process jredis with persistence installed, on a free loopback port, working in {@code dir} and logging to
 * {@code dir/jredis.log}; the way the assembly starts a server (install before start, so data loads first).
 */
final class PersistentServer implements AutoCloseable {
    private final RedisServer server;
    private final RdbPersistence rdb;
    private final Path dir;

    private PersistentServer(RedisServer server, RdbPersistence rdb, Path dir) {
        this.server = server;
        this.rdb = rdb;
        this.dir = dir;
    }

    /** Starts a server in {@code dir}; {@code directives} are name/value pairs as on the command line. */
    static PersistentServer start(Path dir, String... directives) throws IOException {
        return start(false, dir, directives);
    }

    /**
     * As {@link #start(Path, String...)}, loading the data as redis-server does: after the server listens, clients
     * getting -LOADING meanwhile ({@link RdbPersistence#startupLoad()} tells when it is done).
     */
    static PersistentServer startWhileLoading(Path dir, String... directives) throws IOException {
        return start(true, dir, directives);
    }

    private static PersistentServer start(boolean whileListening, Path dir, String... directives) throws IOException {
        ServerConfig cfg = TestServer.set(TestServer.config("dir", dir.toString(), "enable-debug-command", "yes"),
                directives);
        RedisServer s = new RedisServer(cfg, Log.open(dir.resolve("jredis.log").toString(), "notice"));
        try {
            RdbPersistence rdb = PersistenceModule.install(s, whileListening);
            s.start();
            return new PersistentServer(s, rdb, dir);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    int port() {
        return server.port();
    }

    RedisServer server() {
        return server;
    }

    RdbPersistence rdb() {
        return rdb;
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port(), 30_000);
    }

    String log() throws IOException {
        Path p = dir.resolve("jredis.log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    @Override
    public void close() {
        server.close();
    }
}
