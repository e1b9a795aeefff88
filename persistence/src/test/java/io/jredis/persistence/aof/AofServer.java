package io.jredis.persistence.aof;

import io.jredis.persistence.PersistenceModule;
import io.jredis.server.RedisServer;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import io.jredis.server.testing.TempPaths;
import io.jredis.server.testing.TestServer;

/**
 * An in-process jredis with the AOF installed, on a free port, in a given dir; log lines are kept for assertions.
 * Also the main class of the child JVMs the crash tests kill.
 */
final class AofServer implements AutoCloseable {
    final RedisServer server;
    final List<String> log;

    private AofServer(RedisServer server, List<String> log) {
        this.server = server;
        this.log = log;
    }

    /** Installs the AOF (loading it) and starts; an unloadable AOF throws {@link AofException}. */
    static AofServer start(Path dir, String... directives) throws AofException, IOException {
        Path logFile = TempPaths.file("aof-test", ".log");
        Log log = Log.open(logFile.toString(), "notice");
        ServerConfig cfg = TestServer.set(TestServer.config("save", "", "dir", dir.toString()), directives);
        RedisServer s = new RedisServer(cfg, log);
        try {
            PersistenceModule.install(s);
        } catch (IOException e) {
            s.close();
            throw new AofException(e.getMessage() + "\nlog:\n" + Files.readString(logFile), e);
        }
        s.start();
        return new AofServer(s, new LogView(logFile));
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", server.port());
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    /** The log file's lines, read afresh on each access. */
    private static final class LogView extends java.util.AbstractList<String> {
        private final Path file;

        LogView(Path file) {
            this.file = file;
        }

        private List<String> lines() {
            try {
                return Files.readAllLines(file);
            } catch (IOException e) {
                return new ArrayList<>();
            }
        }

        @Override
        public String get(int i) {
            return lines().get(i);
        }

        @Override
        public int size() {
            return lines().size();
        }
    }

    /** Child JVM: {@code AofServer <dir> <portFile> [directive value]...}; writes its port to portFile once up. */
    public static void main(String[] args) throws Exception {
        String[] directives = java.util.Arrays.copyOfRange(args, 2, args.length);
        AofServer s = start(Path.of(args[0]), directives);
        Path tmp = Path.of(args[1] + ".tmp");
        Files.writeString(tmp, Integer.toString(s.port()));
        Files.move(tmp, Path.of(args[1]), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        s.server.awaitClosed();
    }
}
