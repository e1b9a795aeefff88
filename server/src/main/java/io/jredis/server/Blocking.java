package io.jredis.server;

import io.jredis.server.command.CommandSpec;
import io.jredis.server.db.Database;
import io.jredis.server.db.ValueType;
import io.jredis.server.db.Values;
import io.jredis.server.util.BytesKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN ...). A blocked command is re-run when one of its keys is
 * modified: clients waiting on a key are tried in the order they blocked, and the first re-run that does not block
 * again was served. Keys become ready during a command but are served only after the whole top-level command ends,
 * so a push inside MULTI/EXEC or a script wakes waiters after it, as in Redis.
 */
public final class Blocking {
    private record WaitKey(int db, BytesKey key) {}

    /** What a blocked client waits for and how it gives up. */
    private static final class State {
        final CommandSpec cmd;
        final byte[][] argv;
        final List<WaitKey> keys;
        final Consumer<Client> onTimeout;
        /** Waits for a position of its own (a stream ID): when it cannot be served, the next waiters still may be. */
        final boolean ownPosition;
        /** The only type of value that serves it: Redis 7.0 leaves a client blocked while its key has another. */
        final ValueType type;
        /**
         * XREADGROUP: its wait ends with an error once its stream is gone or replaced by another type (Redis's
         * unblockDeletedStreamReadgroupClients), since the group went with it.
         */
        final boolean groupReader;
        ScheduledFuture<?> timer;
        /** Has a deadline: counted in INFO clients_in_timeout_table, as Redis's timeout table holds it. */
        boolean timed;
        /**
         * The blocking call's arguments as sent: Redis keeps them while the client waits (CLIENT LIST's argv-mem,
         * the slow log entry written when the wait ends).
         */
        byte[][] sentArgv;
        /** The command goes to the slow log (not skip-slowlog). */
        boolean slowlogged;
        /** How long the blocking call took. */
        long micros;

        State(CommandSpec cmd, byte[][] argv, List<WaitKey> keys, Consumer<Client> onTimeout, boolean ownPosition) {
            this.cmd = cmd;
            this.argv = argv;
            this.keys = keys;
            this.onTimeout = onTimeout;
            this.ownPosition = ownPosition;
            String name = cmd.fullName();
            this.type = name.startsWith("x") ? ValueType.STREAM
                    : name.startsWith("bz") ? ValueType.ZSET : ValueType.LIST;
            this.groupReader = name.equals("xreadgroup");
        }
    }

    private static final byte[][] NO_ARGS = new byte[0][];

    private final Engine engine;
    private final Map<WaitKey, ArrayDeque<Client>> waiting = new HashMap<>();
    private final LinkedHashSet<WaitKey> ready = new LinkedHashSet<>();
    /** Ready keys that {@link #signalReady} named since their waiters were last served. */
    private final Set<WaitKey> signaled = new HashSet<>();
    private final Map<Client, State> blocked = new HashMap<>();
    /** Set when a re-run command asked to block again, i.e. it could not be served. */
    private boolean blockRequested;
    private boolean serving;
    /** The key whose readiness the command being re-run is served for, null outside a re-run. */
    private byte[] servingKey;
    private boolean servingSignaled;

    Blocking(Engine engine) {
        this.engine = engine;
    }

    /** Number of blocked clients, for INFO blocked_clients. */
    public int blockedClients() {
        return blocked.size();
    }

    /** Number of blocked clients with a deadline, for INFO clients_in_timeout_table. */
    public int clientsWithTimeout() {
        int n = 0;
        for (State s : blocked.values()) {
            if (s.timed) {
                n++;
            }
        }
        return n;
    }

    /** Number of keys with at least one waiting client, for INFO blocked keys fields. */
    public int keysWithWaiters() {
        return waiting.size();
    }

    public boolean isBlocked(Client c) {
        // Asked for every command a client sends: most of the time nobody is blocked.
        return !blocked.isEmpty() && blocked.containsKey(c);
    }

    /**
     * Blocks the running command's client on {@code keys} until one is modified, or until {@code deadlineMs}
     * (absolute unix ms; 0 waits forever), when {@code onTimeout} writes the timeout reply. A client that may not
     * block (inside MULTI or a script) gets the timeout reply at once. Called again by a re-run command that still
     * cannot be served, the client simply stays in its place in the queues.
     */
    public void block(Client c, byte[][] keys, long deadlineMs, Consumer<Client> onTimeout) {
        block(c, keys, deadlineMs, onTimeout, engine.currentArgv(), false);
    }

    /**
     * As {@link #block(Client, byte[][], long, Consumer)} for a reader waiting past a position of its own (XREAD
     * resolves "$" to the IDs it saw when it blocked): {@code rerunArgv} is re-run instead of the command as sent
     * when a key is ready, and a reader that still cannot be served does not hold back the ones behind it.
     */
    public void block(Client c, byte[][] keys, long deadlineMs, Consumer<Client> onTimeout, byte[][] rerunArgv) {
        block(c, keys, deadlineMs, onTimeout, rerunArgv, true);
    }

    private void block(Client c, byte[][] keys, long deadlineMs, Consumer<Client> onTimeout, byte[][] rerunArgv,
            boolean ownPosition) {
        if (c.denyBlocking()) {
            onTimeout.accept(c);
            return;
        }
        if (blocked.containsKey(c)) {
            blockRequested = true;
            return;
        }
        List<WaitKey> wk = new ArrayList<>(keys.length);
        for (byte[] k : keys) {
            WaitKey w = new WaitKey(c.db().id(), new BytesKey(k));
            if (!wk.contains(w)) {
                wk.add(w);
                waiting.computeIfAbsent(w, x -> new ArrayDeque<>()).add(c);
            }
        }
        State s = new State(engine.currentCommand(), rerunArgv, wk, onTimeout, ownPosition);
        blocked.put(c, s);
        s.timed = deadlineMs > 0;
        // Deadlines decades away are never reached in practice; leaving them unscheduled avoids timer overflow.
        if (deadlineMs > 0 && deadlineMs - System.currentTimeMillis() < 1_000_000_000_000L) {
            // Redis times out once the deadline is strictly behind the clock. The deadline counts whole
            // milliseconds from when the command was read; firing at it could end the wait up to 1 ms early.
            long delay = Math.max(0, deadlineMs - System.currentTimeMillis()) + 1;
            s.timer = engine.loop().schedule(() -> timeout(c), delay, TimeUnit.MILLISECONDS);
        }
        c.channel().config().setAutoRead(false);
    }

    /**
     * True while a blocked command is re-run: Redis 7.0 counted its call in commandstats when it blocked, and does
     * not count it again when it is served.
     */
    boolean rerunning() {
        return servingKey != null;
    }

    /** Keeps the arguments of the call that blocked {@code c}, and how long it took, for its wait's end. */
    void blockedCall(Client c, byte[][] argv, boolean slowlogged, long micros) {
        State s = blocked.get(c);
        s.sentArgv = argv;
        s.slowlogged = slowlogged;
        s.micros = micros;
    }

    /** The arguments of the command {@code c} is blocked in, as sent; null when it is not blocked. */
    public byte[][] blockedArgv(Client c) {
        State s = blocked.isEmpty() ? null : blocked.get(c);
        return s == null ? null : s.sentArgv;
    }

    /** The re-run of {@code c}'s command took {@code micros}: if it served the client, the wait's end is recorded. */
    void rerunDone(Client c, long micros) {
        State s = blocked.get(c);
        if (s != null && !blockRequested) {
            engine.statsOnUnblock(c, s.cmd, s.slowlogged ? s.sentArgv : null, s.micros + micros);
            engine.latency().addSampleIfNeeded("command-unblocking", micros / 1000);
        }
    }

    /**
     * Parses a blocking timeout in seconds (a double) into an absolute deadline in ms, 0 meaning forever; replies
     * with Redis 7.0's error and returns null when invalid. Values too large for a 64-bit ms count are reported as
     * negative, as 7.0's conversion makes them.
     */
    public static Long deadline(Client c, byte[] arg) {
        double[] d = new double[1];
        if (!io.jredis.server.util.Bytes.parseDouble(arg, d)) {
            // Redis parses a long double: values beyond a double's range are valid there, and too large in ms.
            if (io.jredis.server.util.Doubles.LongDouble.parse(arg) == null) {
                c.engine().error(c, "ERR timeout is not a float or out of range");
                return null;
            }
            d[0] = Double.POSITIVE_INFINITY;
        }
        double ms = Math.ceil(d[0] * 1000);
        if (ms < 0 || !(ms < 9.223372036854775807E18)) {
            c.engine().error(c, "ERR timeout is negative");
            return null;
        }
        long t = (long) ms;
        if (t == 0) {
            return 0L;
        }
        long now = System.currentTimeMillis();
        return t > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + t;
    }

    /**
     * While a blocked command is re-run, the key that became ready (Redis serves a blocked stream read for that
     * key alone); null otherwise.
     */
    public byte[] servingKey() {
        return servingKey;
    }

    /**
     * While a blocked command is re-run, whether {@link #signalReady} named its key: Redis serves a blocked stream
     * read only for XADD's signal (and XGROUP DESTROY's), not for any other change to the stream.
     */
    public boolean servingSignaled() {
        return servingSignaled;
    }

    /**
     * Redis's signalKeyAsReady alone: wakes the clients blocked on {@code key} without counting as a modification
     * (no WATCH or tracking invalidation), as XADD and XGROUP DESTROY do for stream readers.
     */
    public void signalReady(Database db, byte[] key) {
        if (waiting.isEmpty()) {
            return;
        }
        WaitKey w = new WaitKey(db.id(), new BytesKey(key));
        if (waiting.containsKey(w)) {
            ready.add(w);
            signaled.add(w);
        }
    }

    /** Called for every modified key; cheap when nobody waits. */
    void keyModified(Database db, byte[] key) {
        if (waiting.isEmpty()) {
            return;
        }
        WaitKey w = new WaitKey(db.id(), new BytesKey(key));
        if (waiting.containsKey(w)) {
            ready.add(w);
        }
    }

    /**
     * SWAPDB: keys that now exist in either database serve their waiters, as Redis's scanDatabaseForReadyKeys. An
     * expired key counts too and is found expired only when served, so its DEL propagates after the SWAPDB. A key
     * group readers wait on is ready in any case: its stream was swapped away (Redis's scanDatabaseForDeletedStreams).
     */
    void databasesSwapped(Database a, Database b) {
        for (Map.Entry<WaitKey, ArrayDeque<Client>> en : waiting.entrySet()) {
            WaitKey w = en.getKey();
            Database db = w.db() == a.id() ? a : w.db() == b.id() ? b : null;
            if (db != null && (db.dict().find(w.key().bytes()) != null
                    || en.getValue().stream().anyMatch(c -> blocked.get(c).groupReader))) {
                ready.add(w);
            }
        }
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Serves clients waiting on keys that became ready, in blocking order, until nothing more can be served. */
    void serveReady() {
        if (serving) {
            return;
        }
        serving = true;
        try {
            while (!ready.isEmpty()) {
                WaitKey w = ready.iterator().next();
                ready.remove(w);
                boolean sig = signaled.remove(w);
                ArrayDeque<Client> queue = waiting.get(w);
                if (queue == null) {
                    continue;
                }
                for (Client c : new ArrayList<>(queue)) {
                    State s = blocked.get(c);
                    if (s == null) {
                        continue;
                    }
                    Object value = engine.database(w.db()).get(w.key().bytes());
                    if (value != null && Values.type(value) != s.type && !s.groupReader) {
                        continue;
                    }
                    Database saved = c.db();
                    c.select(engine.database(w.db()));
                    blockRequested = false;
                    servingKey = w.key().bytes();
                    servingSignaled = sig;
                    try {
                        engine.call(c, s.cmd, s.ownPosition ? s.argv : forKey(s.cmd, s.argv, servingKey));
                    } finally {
                        servingKey = null;
                        servingSignaled = false;
                    }
                    c.select(saved);
                    if (blockRequested) {
                        if (s.ownPosition) {
                            continue;
                        }
                        break;
                    }
                    unblock(c);
                }
            }
        } finally {
            serving = false;
        }
    }

    /**
     * A list or sorted set pop narrowed to the key that became ready: Redis serves a client blocked on several keys
     * from the ready one, even when a key named before it also has elements.
     */
    private static byte[][] forKey(CommandSpec cmd, byte[][] argv, byte[] key) {
        switch (cmd.fullName()) {
            case "blpop", "brpop", "bzpopmin", "bzpopmax" -> {
                return new byte[][] {argv[0], key, argv[argv.length - 1]};
            }
            case "blmpop", "bzmpop" -> {
                int numkeys = io.jredis.server.util.Bytes.toLong(argv[2]).intValue();
                byte[][] out = new byte[argv.length - numkeys + 1][];
                out[0] = argv[0];
                out[1] = argv[1];
                out[2] = new byte[] {'1'};
                out[3] = key;
                System.arraycopy(argv, 3 + numkeys, out, 4, argv.length - 3 - numkeys);
                return out;
            }
            default -> {
                return argv;
            }
        }
    }

    private void timeout(Client c) {
        State s = blocked.get(c);
        if (s == null) {
            return;
        }
        s.onTimeout.accept(c);
        unblock(c);
        engine.flushPending();
    }

    /**
     * Ends a client's wait: removes it from every queue and resumes reading its connection. Used when served, on
     * timeout, by CLIENT UNBLOCK, and when the client disconnects.
     */
    public void unblock(Client c) {
        State s = blocked.remove(c);
        if (s == null) {
            return;
        }
        if (s.timer != null) {
            s.timer.cancel(false);
        }
        for (WaitKey w : s.keys) {
            ArrayDeque<Client> q = waiting.get(w);
            if (q != null) {
                q.remove(c);
                if (q.isEmpty()) {
                    waiting.remove(w);
                }
            }
        }
        if (!c.isClosed() && c.channel() != null) {
            engine.resume(c);
        }
    }

    /**
     * CLIENT UNBLOCK: ends a blocked client's wait with the timeout reply, or with {@code error} when not null.
     * Redis 7.0 counts the unblocked command (already counted as a call when it blocked) as failed either way.
     */
    public void unblockByCommand(Client c, String error) {
        State s = blocked.get(c);
        if (s == null) {
            return;
        }
        if (error != null) {
            engine.error(c, error);
        } else {
            s.onTimeout.accept(c);
        }
        s.cmd.failedCalls++;
        // Redis 7.0 has already reset the client's arguments by then: its slow log entry has none.
        engine.statsOnUnblock(c, s.cmd, s.slowlogged ? NO_ARGS : null, s.micros);
        unblock(c);
    }
}
