package io.jredis.server;

import io.jredis.server.config.ShutdownOnSignalDirective;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Redis 7.0's shutdown sequence (prepareForShutdown, isReadyToShutdown, finishShutdown, abortShutdown): unless told
 * NOW, or {@code shutdown-timeout} is 0, a master with lagging replicas pauses writes, asks its replicas for their
 * offsets and waits for them (at most the timeout, checked by the cron) before the final save and exit. The clients
 * that ran SHUTDOWN stay blocked meanwhile: they get no reply when the server exits, an error when it cannot.
 * Flags are {@link ShutdownOnSignalDirective}'s bits. Lives on the engine thread, except the signal's request.
 */
public final class Shutdown {
    public static final int SAVE = ShutdownOnSignalDirective.SAVE;
    public static final int NOSAVE = ShutdownOnSignalDirective.NOSAVE;
    public static final int NOW = ShutdownOnSignalDirective.NOW;
    public static final int FORCE = ShutdownOnSignalDirective.FORCE;

    private static final String FAILED = "ERR Errors trying to SHUTDOWN. Check logs.";

    /**
     * The replicas a shutdown waits for; the replication module supplies them. Without it the server has none.
     */
    public interface Replicas {
        /** Redis's isReadyToShutdown: every replica acknowledged the master's offset (true without replicas). */
        boolean caughtUp();

        /** Sends REPLCONF GETACK to the replicas. */
        void requestAcks();

        /** Logs each lagging replica and how many are in sync, as finishShutdown does before the save. */
        void logSyncState();
    }

    private static final Replicas NONE = new Replicas() {
        @Override
        public boolean caughtUp() {
            return true;
        }

        @Override
        public void requestAcks() {}

        @Override
        public void logSyncState() {}
    };

    private final Engine engine;
    private Replicas replicas = NONE;
    /** Redis's shutdown_asap: a signal asked for a shutdown; it stays set until the shutdown ends or is cancelled. */
    private volatile boolean requested;
    /** Redis's last_sig_received, as a flag: SIGINT (else SIGTERM) chooses the shutdown-on-sig* flags. */
    private volatile boolean bySigint;
    /** Signal handlers between setting {@link #requested} and the end of their log line. */
    private final AtomicInteger announcing = new AtomicInteger();
    private int flags;
    /** Redis's shutdown_mstime: when the wait for replicas gives up; 0 while no shutdown was initiated. */
    private long deadline;
    private final List<Client> blocked = new ArrayList<>();

    Shutdown(Engine engine) {
        this.engine = engine;
    }

    /** Installs the replicas a shutdown waits for (the replication module). */
    public void replicas(Replicas r) {
        replicas = r;
    }

    /**
     * A signal asks for a shutdown, which the cron starts (Redis's shutdown_asap). Safe from any thread: the request
     * counts at once (a SHUTDOWN ABORT sees it), and {@code announce} (the handler's log line) runs before the cron
     * can act on it, as Redis's handler logs before its main loop runs again. A handler thread descheduled between
     * the two let the shutdown log "ready to exit" before the handler's line.
     */
    public void request(boolean sigint, Runnable announce) {
        announcing.incrementAndGet();
        try {
            bySigint = sigint;
            requested = true;
            announce.run();
        } finally {
            announcing.decrementAndGet();
        }
    }

    /** Whether a signal's request is pending or its shutdown runs: a second SIGINT then exits at once. */
    public boolean requested() {
        return requested;
    }

    /** True while the server waits for its replicas before it shuts down (Redis's isShutdownInitiated). */
    public boolean initiated() {
        return deadline != 0;
    }

    /** INFO's shutdown_in_milliseconds: the time left to wait for the replicas; only meaningful when initiated. */
    public long remainingMillis() {
        return deadline - engine.now();
    }

    /**
     * SHUTDOWN without ABORT: blocks {@code c} until the server exits (no reply) or the shutdown fails or is
     * aborted (an error). A shutdown already waiting for replicas keeps its own flags, as in Redis.
     */
    public void command(Client c, int flags) {
        blocked.add(c);
        engine.blocking().block(c, new byte[0][], 0, cl -> {
            blocked.remove(cl);
            engine.error(cl, FAILED);
        });
        prepare(flags);
    }

    /**
     * Redis's prepareForShutdown: false while the server waits for replicas, when the shutdown failed (logged, the
     * blocked clients answered) or when one is already initiated; the server has begun to close otherwise.
     */
    public boolean prepare(int flags) {
        if (initiated()) {
            return false;
        }
        if (engine.loading() != null || engine.config().sentinelMode()) {
            flags = (flags & ~SAVE) | NOSAVE;
        }
        this.flags = flags;
        engine.log().warning("User requested shutdown...");
        engine.systemd().send("STOPPING=1\n");
        if ((flags & NOW) == 0 && engine.config().shutdownTimeout.value() != 0 && !replicas.caughtUp()) {
            deadline = engine.now() + engine.config().shutdownTimeout.value() * 1000;
            if (!engine.clientsPaused()) {
                replicas.requestAcks();
            }
            engine.pauseClients(Engine.PausePurpose.SHUTDOWN, Long.MAX_VALUE, Engine.PauseType.WRITE);
            engine.log().notice("Waiting for replicas before shutting down.");
            return false;
        }
        return finish();
    }

    /** Redis's serverCron part: starts a signal's shutdown, or ends the wait once replicas caught up or time is up. */
    void cron() {
        if (engine.shuttingDown()) {
            return;
        }
        // Not while a signal handler still announces its request: counted before the request is set (see request).
        if (requested && announcing.get() == 0 && !initiated()) {
            ShutdownOnSignalDirective d = bySigint ? engine.config().shutdownOnSigint
                    : engine.config().shutdownOnSigterm;
            prepare(d.flags());
        } else if (initiated() && (engine.now() >= deadline || replicas.caughtUp())) {
            finish();
        }
    }

    /** Redis's finishShutdown: the final work (save, AOF fsync) then the exit, or the shutdown is cancelled. */
    private boolean finish() {
        replicas.logSyncState();
        if (!engine.prepareShutdown((flags & SAVE) != 0, (flags & NOSAVE) != 0, (flags & FORCE) != 0)) {
            engine.log().warning("Errors trying to shut down the server. Check the logs for more information.");
            cancel();
            return false;
        }
        engine.shutdown();
        return true;
    }

    /** Redis's abortShutdown (SHUTDOWN ABORT): false when no shutdown was initiated or requested. */
    public boolean abort() {
        if (initiated()) {
            cancel();
        } else if (requested) {
            requested = false;
        } else {
            return false;
        }
        engine.log().notice("Shutdown manually aborted.");
        return true;
    }

    /** Redis's cancelShutdown: the blocked SHUTDOWN callers get an error and writes resume. */
    private void cancel() {
        requested = false;
        flags = 0;
        deadline = 0;
        for (Client c : new ArrayList<>(blocked)) {
            blocked.remove(c);
            if (!c.isClosed()) {
                engine.error(c, FAILED);
            }
            engine.blocking().unblock(c);
        }
        engine.unpauseClients(Engine.PausePurpose.SHUTDOWN);
        engine.flushPending();
    }
}
