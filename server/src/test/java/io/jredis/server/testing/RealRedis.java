package io.jredis.server.testing;

import io.jredis.server.net.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts a real {@code redis-server} (Redis 7.0.15 in CI) on a free port for differential and interop tests. When it
 * is not installed the calling test is skipped with a visible reason.
 */
public final class RealRedis implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RealRedis(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The redis-server binary on PATH, or null. */
    public static String binary() {
        return onPath("redis-server");
    }

    /** The absolute path of the executable {@code name} (redis-cli, redis-check-rdb ...) on PATH, or null. */
    public static String onPath(String name) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(p, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    /** Skips the current test unless redis-server is installed. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(binary() != null,
                "redis-server is not installed (apt-get install -y redis-server); skipping the comparison with real Redis");
    }

    /** Starts redis-server with extra directives (name/value pairs), no persistence, in a fresh temp dir. */
    public static RealRedis start(String... directives) throws IOException, InterruptedException {
        return startWithConfig(null, directives);
    }

    /**
     * Starts redis-server with a config file (may be null) followed by the same options as {@link #start}; the
     * server knows the file, so CONFIG REWRITE writes it.
     */
    public static RealRedis startWithConfig(Path configFile, String... directives)
            throws IOException, InterruptedException {
        assumeInstalled();
        int port = freePort();
        Path dir = Files.createTempDirectory("real-redis");
        List<String> cmd = new ArrayList<>(List.of(binary()));
        if (configFile != null) {
            cmd.add(configFile.toString());
        }
        cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--loglevel", "warning"));
        for (String d : directives) {
            cmd.add(d);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        RealRedis r = new RealRedis(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                if ("PONG".equals(RawClient.text(c.call("PING")))) {
                    return r;
                }
            } catch (IOException e) {
                if (!p.isAlive()) {
                    break;
                }
                Thread.onSpinWait();
            }
        }
        r.close();
        throw new IOException("redis-server did not start; log: " + Files.readString(dir.resolve("redis.log")));
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    /** What the server logged so far (its stdout, at the loglevel its directives set: warning unless changed). */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A port for a server started later: below the ephemeral range, so no outgoing connection takes it meanwhile. */
    public static int freePort() throws IOException {
        return LoopbackPorts.claim();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempPaths.delete(dir);
    }
}
