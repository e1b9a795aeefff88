package io.jredis;

import io.jredis.server.RedisServer;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ConfigRewrite;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.log.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A jredis server running inside the current JVM, for tests and applications that want a Redis without a separate
 * process. Each instance is an independent server (own keyspace, event loop, port and log); any number can run side
 * by side, and {@link #close()} releases all their threads, sockets and files.
 *
 * <pre>{@code
 * try (EmbeddedRedis redis = EmbeddedRedis.builder().setting("maxmemory", "100mb").build().start()) {
 *     try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
 *         jedis.set("greeting", "hello");
 *     }
 * }
 * }</pre>
 *
 * <p>Unless told otherwise an embedded server listens on {@code 127.0.0.1} on a free port, logs nothing, and writes
 * nothing to disk (no RDB save points, no AOF), so a test leaves no trace. Settings are redis.conf directives with
 * the same names, values and error messages as in redis.conf.
 */
public final class EmbeddedRedis implements AutoCloseable {
    /** Applied before the config file and settings: loopback, a free port, no persistence. */
    private static final List<String> DEFAULTS = List.of("bind 127.0.0.1", "port 0", "save \"\"", "appendonly no");

    private final ServerConfig config;
    private final List<String> warnings;
    private final boolean quiet;
    private RedisServer server;
    private boolean closed;

    private EmbeddedRedis(ServerConfig config, List<String> warnings, boolean quiet) {
        this.config = config;
        this.warnings = warnings;
        this.quiet = quiet;
    }

    /** A builder with the embedded defaults: loopback, a free port, quiet, no persistence. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the listeners; clients can connect as soon as this returns.
     *
     * @return this server, for {@code builder().build().start()} in a try-with-resources
     * @throws UncheckedIOException when a listener cannot be bound (the message is Redis's log text) or the
     *     configured log file cannot be opened
     * @throws IllegalStateException when the server was already started or closed
     */
    public synchronized EmbeddedRedis start() {
        if (closed) {
            throw new IllegalStateException("this embedded server was closed; build a new one");
        }
        if (server != null) {
            throw new IllegalStateException("this embedded server is already started");
        }
        Log log;
        try {
            log = quiet ? Log.silent() : Log.open(config.inDir(config.logfile.value()), config.loglevel.value());
        } catch (IOException e) {
            throw new UncheckedIOException("Can't open the log file: " + e.getMessage(), e);
        }
        warnings.forEach(log::warning);
        RedisServer s = new RedisServer(config, log);
        try {
            DataModules.install(s);
        } catch (IOException e) {
            s.close();
            throw new IllegalStateException(e.getMessage(), e);
        }
        try {
            s.start();
        } catch (IOException e) {
            s.close();
            throw new UncheckedIOException(e.getMessage(), e);
        }
        server = s;
        log.notice("Running mode=standalone, port=" + s.port() + ".");
        log.notice("Ready to accept connections");
        return this;
    }

    /** The TCP port clients connect to: the configured one, or the one chosen when configured with port 0. */
    public synchronized int port() {
        return running().port();
    }

    /**
     * The address clients connect to: the first configured bind address, or {@code 127.0.0.1} when the server
     * listens on all interfaces.
     */
    public String host() {
        String first = config.bind.value().get(0);
        String host = first.startsWith("-") ? first.substring(1) : first;
        return switch (host) {
            case "*", "0.0.0.0", "::*", "::" -> "127.0.0.1";
            default -> host;
        };
    }

    /** {@code redis://host:port}, the form Lettuce's {@code RedisClient.create} and Jedis's {@code URI} take. */
    public String uri() {
        String host = host();
        return "redis://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    /** Whether {@link #start()} has run and {@link #close()} has not. */
    public synchronized boolean isRunning() {
        return server != null && !closed;
    }

    /**
     * Stops the server: closes listening sockets and client connections, stops its threads and closes its log. When
     * this returns the port is free. Calling it again, or on a server never started, does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            server.close();
        }
    }

    private RedisServer running() {
        if (server == null || closed) {
            throw new IllegalStateException(closed ? "this embedded server was closed" : "call start() first");
        }
        return server;
    }

    /** Collects a server's configuration; {@link #build()} checks it and can be called more than once. */
    public static final class Builder {
        private final List<String[]> settings = new ArrayList<>();
        private Path configFile;
        private boolean quiet = true;

        private Builder() {}

        /** The TCP port; 0 (the default) picks a free one, which {@link EmbeddedRedis#port()} then reports. */
        public Builder port(int port) {
            return setting("port", Integer.toString(port));
        }

        /**
         * One redis.conf directive, e.g. {@code setting("maxmemory", "100mb")} or {@code setting("save", "900", "1")}.
         * Settings apply after the config file, in the order given, so they override it as command-line options
         * override redis.conf.
         */
        public Builder setting(String name, String... values) {
            Objects.requireNonNull(name, "name");
            String[] line = new String[values.length + 1];
            line[0] = name;
            for (int i = 0; i < values.length; i++) {
                line[i + 1] = Objects.requireNonNull(values[i], "value");
            }
            settings.add(line);
            return this;
        }

        /** A redis.conf file read before the settings ({@code include} works as in Redis). */
        public Builder configFile(Path file) {
            this.configFile = file;
            return this;
        }

        /**
         * Whether the server stays silent (the default). When false it logs like redis-server: to the configured
         * {@code logfile}, or to standard output.
         */
        public Builder quiet(boolean quiet) {
            this.quiet = quiet;
            return this;
        }

        /**
         * Reads the config file and applies the settings.
         *
         * @throws IllegalArgumentException with Redis's reason when the file or a setting is rejected
         * @throws UncheckedIOException when the config file cannot be read
         */
        public EmbeddedRedis build() {
            ServerConfig config = new ServerConfig();
            ConfigFile defaults = new ConfigFile(config);
            for (String line : DEFAULTS) {
                load(defaults, line, line);
            }
            ConfigFile loader = new ConfigFile(config);
            if (configFile != null) {
                try {
                    loader.loadFile(configFile);
                } catch (ConfigFile.FatalConfigError e) {
                    throw new IllegalArgumentException("Bad config file '" + configFile + "', line " + e.line
                            + " '" + e.text.strip() + "': " + e.reason, e);
                }
            }
            for (String[] setting : settings) {
                StringBuilder line = new StringBuilder(setting[0]);
                for (int i = 1; i < setting.length; i++) {
                    line.append(' ').append(ConfigRewrite.repr(
                            new String(setting[i].getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
                }
                load(loader, line.toString(), String.join(" ", setting));
            }
            return new EmbeddedRedis(config, List.copyOf(loader.warnings()), quiet);
        }

        private static void load(ConfigFile loader, String line, String shown) {
            try {
                loader.loadString(line);
            } catch (ConfigFile.FatalConfigError e) {
                throw new IllegalArgumentException("Invalid setting '" + shown + "': " + e.reason, e);
            }
        }
    }
}
