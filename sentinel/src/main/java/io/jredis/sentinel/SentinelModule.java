package io.jredis.sentinel;

import io.jredis.server.Engine;
import io.jredis.server.RedisServer;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.ConfigFile;
import io.jredis.server.config.ConfigRewrite;
import io.jredis.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a server into a Sentinel, as {@code redis-server --sentinel} does: Sentinel's command table, its state
 * loaded from and saved to the config file, and its monitoring timer once the server listens.
 */
public final class SentinelModule {
    /** Sentinel's default port, used when the configuration sets none. */
    public static final int DEFAULT_PORT = 26379;

    private final Sentinel sentinel;

    private SentinelModule(Sentinel sentinel) {
        this.sentinel = sentinel;
    }

    /**
     * Prepares a configuration for Sentinel mode before any file is read: Sentinel's default port, no protected
     * mode (Sentinels must be reachable), and acceptance of {@code sentinel} lines.
     */
    public static void prepare(ServerConfig config) {
        config.sentinelMode(true);
        try {
            config.find("port").setFromString(Integer.toString(DEFAULT_PORT));
            config.find("protected-mode").setFromString("no");
        } catch (io.jredis.server.config.ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks the config file Redis requires (present and writable), installs Sentinel into the not yet started
     * server and returns the module; call {@link #start(RedisServer)} after the server listens. A bad
     * {@code sentinel} line throws Redis's config report; a missing or read-only file an IOException with the
     * line Redis logs before exiting.
     */
    public static SentinelModule install(RedisServer server) throws ConfigFile.FatalConfigError, IOException {
        Engine engine = server.engine();
        ServerConfig config = server.config();
        Path file = checkConfigFile(config);
        Sentinel s = new Sentinel(engine);
        SentinelConfig.load(s, config);
        SentinelCommands commands = new SentinelCommands(s);
        try (InputStream in = SentinelModule.class.getResourceAsStream("commands.resp")) {
            CommandTable table = CommandTable.withMetadata(in, engine.commands());
            commands.register(table);
            engine.commands(table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        engine.addInfoSection("Sentinel", commands::infoSection);
        config.rewriteContributors().add(rw -> SentinelConfig.rewrite(s, rw));
        s.configFlusher(() -> {
            try {
                ConfigRewrite.rewrite(config, file);
                s.log.notice("Sentinel new configuration saved on disk");
                return true;
            } catch (IOException e) {
                s.log.warning("WARNING: Sentinel was not able to save the new configuration on disk!!!: " + e);
                return false;
            }
        });
        engine.onShutdown(s::stop);
        return new SentinelModule(s);
    }

    /**
     * Redis's sentinelCheckConfigFile, run right after the configuration is loaded: returns the config file, or
     * throws an IOException with the line Redis logs before exiting when there is none or it is not writable.
     */
    public static Path checkConfigFile(ServerConfig config) throws IOException {
        Path file = config.configFile();
        if (file == null) {
            throw new IOException("Sentinel needs config file on disk to save state. Exiting...");
        }
        if (!Files.isWritable(file)) {
            throw new IOException("Sentinel config file " + file + " is not writable: Permission denied. Exiting...");
        }
        return file;
    }

    /** Starts monitoring, on the server's engine thread. */
    public void start(RedisServer server) throws Exception {
        server.onEngine(() -> {
            sentinel.start();
            return null;
        });
    }
}
