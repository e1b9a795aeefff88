package io.jredis.server;

import io.jredis.server.commands.CoreCommands;
import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.Database;
import io.jredis.server.log.Log;
import io.jredis.server.net.NetworkServer;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Redis server: engine plus network. Modules (persistence, replication, ...) install themselves between
 * construction and {@link #start()}; {@link #close()} releases every thread, socket and file handle.
 */
public final class RedisServer implements AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final ServerConfig config;
    private final Log log;
    private final Engine engine;
    private final NetworkServer network;
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private volatile boolean closed;
    private final java.util.List<Runnable> closeHooks = new java.util.ArrayList<>();
    private final java.util.List<Runnable> startTasks = new java.util.ArrayList<>();

    /** serverCron's tick count, as Redis's cronloops (its run_with_period). */
    private long cronLoops;

    public RedisServer(ServerConfig config, Log log) {
        this.config = config;
        this.log = log;
        this.engine = new Engine(config, log);
        this.network = new NetworkServer(engine, "jredis-engine-" + INSTANCES.incrementAndGet());
        CoreCommands.register(engine);
        engine.addCronTask(this::logDatabaseSizes);
        // SHUTDOWN runs on the engine thread, which close() waits for: close from another thread.
        engine.onShutdown(() -> new Thread(this::close, "jredis-shutdown").start());
        // A crash ends the process Redis runs in; an embedded server dies alone: its clients see their connections
        // reset, as the kernel resets a dead process's, and it closes without saving.
        engine.onCrash(status -> {
            engine.resetClientConnections();
            new Thread(this::close, "jredis-crash").start();
        });
    }

    /**
     * Redis's serverCron at loglevel verbose: every 5 seconds (from the first tick on), one line per database that
     * holds keys. Operators watching a verbose log see the dataset grow.
     */
    private void logDatabaseSizes() {
        long period = Math.max(1, 5000 / Math.max(1, 1000 / Math.max(1, config.hz.value())));
        if (cronLoops++ % period != 0 || !log.enabled(Log.VERBOSE)) {
            return;
        }
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() != 0 || db.expiresSize() != 0) {
                log.verbose("DB " + i + ": " + db.size() + " keys (" + db.expiresSize() + " volatile) in "
                        + db.dict().buckets() + " slots HT.");
            }
        }
    }

    public ServerConfig config() {
        return config;
    }

    public Log log() {
        return log;
    }

    /** The engine; touch its data only on its thread, e.g. through {@link #onEngine(Callable)}. */
    public Engine engine() {
        return engine;
    }

    /**
     * Binds the listeners; the server answers clients when this returns. Like Redis at start-up, commands are renamed
     * once every module registered its own, and the configured users (user lines, aclfile) are loaded.
     */
    public void start() throws IOException {
        for (String[] rename : config.renamedCommands()) {
            engine.commands().rename(rename[0], rename[1]);
        }
        engine.acl().loadAtStartup();
        engine.applyOomScoreAdj();
        OpenFilesLimit.adjustAtStartup(config, log);
        // Redis names its monotonic clock here; the JVM's System.nanoTime is clock_gettime(CLOCK_MONOTONIC) on Linux.
        log.notice("monotonic clock: POSIX clock_gettime");
        network.start();
        // As Redis's tcp_port and "Running mode=..., port=": the TLS port when only TLS listens.
        engine.tcpPort(network.port() != 0 ? network.port() : network.tlsPort());
        for (Runnable task : startTasks) {
            engine.loop().execute(task);
        }
    }

    /** Runs {@code task} on the engine thread once the server listens (modules start their links and timers). */
    public void onStarted(Runnable task) {
        startTasks.add(task);
    }

    /** Fault injection for test harnesses: see {@link NetworkServer#trafficControl()}. */
    public io.jredis.server.net.TrafficControl trafficControl() {
        return network.trafficControl();
    }

    /** The bound TCP port (the chosen one when configured with port 0). */
    public int port() {
        return network.port();
    }

    /** The TLS port listened on, or 0 without tls-port. */
    public int tlsPort() {
        return network.tlsPort();
    }

    /** Runs a task on the engine thread and waits for its result. */
    public <T> T onEngine(Callable<T> task) throws Exception {
        try {
            return engine.loop().submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /**
     * Registers what a module must release when the server closes (files, threads). Hooks run after the engine's
     * thread has stopped, in registration order.
     */
    public synchronized void onClose(Runnable hook) {
        closeHooks.add(hook);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Blocks until the server has closed, by {@link #close()} or by the SHUTDOWN command. */
    public void awaitClosed() throws InterruptedException {
        closedLatch.await();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.beginClose();
        network.close();
        for (Runnable hook : closeHooks) {
            hook.run();
        }
        log.close();
        closedLatch.countDown();
    }
}
