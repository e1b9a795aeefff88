package io.jredis.server.testing;

import io.jredis.server.Client;
import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigException;
import io.jredis.server.config.Directive;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Values;
import io.jredis.server.log.Log;
import io.jredis.server.util.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Starts an in-process jredis server on a free loopback port for a test; close it with try-with-resources. */
public final class TestServer implements AutoCloseable {
    private final RedisServer server;

    private TestServer(RedisServer server) {
        this.server = server;
    }

    /** Starts a server; {@code directives} are name/value pairs as on the command line. */
    public static TestServer start(String... directives) {
        RedisServer s = new RedisServer(config(directives), Log.silent());
        try {
            s.start();
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException(e);
        }
        return new TestServer(s);
    }

    /**
     * The configuration of a test server: loopback, a free port, then {@code directives} (name/value pairs as on the
     * command line, so they may override those two). For harnesses that build their own {@link RedisServer}, e.g.
     * to install modules before starting it.
     */
    public static ServerConfig config(String... directives) {
        return set(set(new ServerConfig(), "bind", "127.0.0.1", "port", "0"), directives);
    }

    /**
     * Applies {@code directives}, name/value pairs as on the command line, to {@code cfg} in order and returns it; an
     * unknown or invalid directive throws IllegalArgumentException.
     */
    public static ServerConfig set(ServerConfig cfg, String... directives) {
        try {
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
        return cfg;
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

    /**
     * Records every command the engine propagates (what AOF and replicas receive) from now on, as "db:ARG ARG ..."
     * with the arguments read as UTF-8. The list is written on the engine thread and safe to read from the test's.
     */
    public List<String> recordPropagation() throws Exception {
        List<String> out = Collections.synchronizedList(new ArrayList<>());
        server.onEngine(() -> {
            server.engine().addPropagationListener((db, argv) -> {
                StringBuilder sb = new StringBuilder().append(db).append(':');
                for (int i = 0; i < argv.length; i++) {
                    sb.append(i == 0 ? "" : " ").append(new String(argv[i], StandardCharsets.UTF_8));
                }
                out.add(sb.toString());
            });
            return null;
        });
        return out;
    }

    /**
     * Switches every connected client to RESP3 on the engine thread, as HELLO 3 would, for a test's own connections
     * when what it checks is a RESP3 reply rather than HELLO.
     */
    public void switchClientsToResp3() throws Exception {
        server.onEngine(() -> {
            for (Client c : server.engine().clients().values()) {
                c.reply().protocol(3);
            }
            return null;
        });
    }

    /** The engine-side encoding of {@code key} in database 0 (what OBJECT ENCODING says), null when absent. */
    public String encoding(String key) throws Exception {
        return server.onEngine(() -> {
            Object v = server.engine().database(0).get(Bytes.of(key));
            return v == null ? null : Values.encoding(v);
        });
    }

    /** A test's body on one raw connection to a server. */
    public interface RawClientTest {
        void run(RawClient c) throws Exception;
    }

    /** Runs {@code test} on a new raw connection to this server, then closes the connection and the server. */
    public void runAndClose(RawClientTest test) throws Exception {
        try (TestServer self = this; RawClient c = new RawClient(host(), port())) {
            test.run(c);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
