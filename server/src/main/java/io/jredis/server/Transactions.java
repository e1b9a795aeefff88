package io.jredis.server;

import io.jredis.server.command.CommandSpec;
import io.jredis.server.db.Database;
import io.jredis.server.util.BytesKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MULTI/EXEC state and WATCH (Redis's multi.c). Queued commands live on the client; watched keys are indexed here
 * so that any modification of a key, by any path (writes, expiry, FLUSHDB, SWAPDB, scripts), marks every client
 * watching it, and its EXEC then fails.
 */
public final class Transactions {
    /**
     * A queued command of a client inside MULTI, with {@code flags} the command as the guards saw it when it was
     * queued (a script's declared flags, looked up then: Redis's getCommandFlags in queueMultiCommand).
     */
    public record Queued(CommandSpec cmd, byte[][] argv, CommandSpec flags) {}

    /** sizeof(multiCmd) in Redis 7.0. */
    private static final long MULTI_CMD_BYTES = 24;
    /** A watched key's list node and watchedKey struct, as Redis counts them per client. */
    static final long WATCHED_KEY_BYTES = 56;

    /** A client's open transaction. */
    public static final class MultiState {
        final List<Queued> queue = new ArrayList<>();
        /** A command was rejected while queueing: EXEC must abort. */
        boolean failed;

        public int size() {
            return queue.size();
        }

        /** The queued command EXEC is running (Redis points c->argv at it meanwhile), else null. */
        byte[][] running;

        /** CLIENT LIST's multi-mem: Redis's argv_len_sums, the queued arguments' lengths plus a pointer each. */
        public long memory() {
            long n = 0;
            for (Queued q : queue) {
                n += 8L * q.argv().length;
                for (byte[] a : q.argv()) {
                    n += a.length;
                }
            }
            return n;
        }

        /** What the transaction adds to tot-mem: multi-mem plus the command array (2 slots, doubled as needed). */
        public long overhead() {
            long slots = 0;
            if (!queue.isEmpty()) {
                slots = 2;
                while (slots < queue.size()) {
                    slots *= 2;
                }
            }
            return memory() + slots * MULTI_CMD_BYTES;
        }

        /** The argument count the client's memory is measured with: the running queued command's during EXEC. */
        public int argc(int own) {
            return running == null ? own : running.length;
        }
    }

    private record WatchKey(int db, BytesKey key) {}

    /** Per watching client: its keys, whether one was touched, and which were already expired at WATCH time. */
    private static final class Watching {
        final Set<WatchKey> keys = new LinkedHashSet<>();
        final Set<WatchKey> expiredWhenWatched = new LinkedHashSet<>();
        boolean touched;
    }

    private final Engine engine;
    private final Map<WatchKey, List<Client>> watchers = new HashMap<>();
    private final Map<Client, Watching> watching = new HashMap<>();

    Transactions(Engine engine) {
        this.engine = engine;
    }

    /** Starts MULTI for a client. */
    public void begin(Client c) {
        c.multi(new MultiState());
    }

    /** EXEC views by the queued commands' write / denyoom / not-stale / may-replicate flags (at most 16, built once). */
    private final Map<Integer, CommandSpec> execViews = new HashMap<>();

    /**
     * EXEC as the guards see it (Redis's mstate.cmd_flags and cmd_inv_flags in processCommand): a write that may
     * not run out of memory or on stale data, or that may replicate (held by CLIENT PAUSE WRITE), when a queued
     * command is one, the queued scripts' declared flags counting as they were when queued (a function loaded
     * after FCALL was queued does not make EXEC a write).
     */
    public CommandSpec execFlags(Client c, CommandSpec exec) {
        if (c.multi() == null) {
            return exec;
        }
        int key = 0;
        for (Queued q : c.multi().queue) {
            CommandSpec f = q.flags();
            key |= (f.isWrite() ? 1 : 0) | (f.denyOom() ? 2 : 0) | (f.allowStale() ? 0 : 4)
                    | (Engine.mayReplicate(q.cmd(), f) ? 8 : 0);
        }
        if (key == 0) {
            return exec;
        }
        return execViews.computeIfAbsent(key, k -> {
            Set<String> flags = new LinkedHashSet<>(exec.flags());
            if ((k & 1) != 0) {
                flags.add("write");
            }
            if ((k & 2) != 0) {
                flags.add("denyoom");
            }
            if ((k & 4) != 0) {
                flags.remove("stale");
            }
            if ((k & 8) != 0) {
                flags.add("may_replicate");
            }
            return exec.withFlags(Set.copyOf(flags));
        });
    }

    void queue(Client c, CommandSpec cmd, CommandSpec flagged, byte[][] argv) {
        // As queueMultiCommand: once EXEC is bound to fail nothing more is kept (the reply is still QUEUED).
        if (!c.multi().failed && !dirty(c)) {
            c.multi().queue.add(new Queued(cmd, argv, flagged));
        }
    }

    /**
     * Redis's CLIENT_DIRTY_CAS: a key the client watches was modified (CLIENT LIST flag d). Expiry is only checked
     * by EXEC.
     */
    public boolean dirty(Client c) {
        Watching w = watching.get(c);
        return w != null && w.touched;
    }

    /** Marks the open transaction as failed (a command was rejected while queueing). */
    void flagError(Client c) {
        if (c.multi() != null) {
            c.multi().failed = true;
        }
    }

    public boolean failed(Client c) {
        return c.multi() != null && c.multi().failed;
    }

    public List<Queued> queued(Client c) {
        return c.multi().queue;
    }

    /** Marks the queued command EXEC runs now (null when done): CLIENT LIST measures the client with it. */
    public void running(Client c, byte[][] argv) {
        if (c.multi() != null) {
            c.multi().running = argv;
        }
    }

    /** Ends the transaction and forgets watched keys (EXEC, DISCARD, RESET, disconnect). */
    public void discard(Client c) {
        c.multi(null);
        unwatchAll(c);
    }

    /** WATCH key: remembers the key and whether it is already logically expired. */
    public void watch(Client c, byte[] key) {
        WatchKey wk = new WatchKey(c.db().id(), new BytesKey(key));
        Watching w = watching.computeIfAbsent(c, x -> new Watching());
        if (!w.keys.add(wk)) {
            return;
        }
        watchers.computeIfAbsent(wk, x -> new ArrayList<>()).add(c);
        if (c.db().isLogicallyExpired(key)) {
            w.expiredWhenWatched.add(wk);
        }
    }

    public void unwatchAll(Client c) {
        Watching w = watching.remove(c);
        if (w == null) {
            return;
        }
        for (WatchKey k : w.keys) {
            List<Client> l = watchers.get(k);
            if (l != null) {
                l.remove(c);
                if (l.isEmpty()) {
                    watchers.remove(k);
                }
            }
        }
    }

    public int watchedKeys(Client c) {
        Watching w = watching.get(c);
        return w == null ? 0 : w.keys.size();
    }

    /** Number of keys watched by at least one client (INFO watching_clients-style reporting). */
    public int watchedKeyCount() {
        return watchers.size();
    }

    public int watchingClients() {
        return watching.size();
    }

    /**
     * True when EXEC must fail: a watched key was modified, or expired after it was watched (Redis 7.0 treats a
     * key that became logically expired as modified even if nobody deleted it yet).
     */
    public boolean watchedKeyChanged(Client c) {
        Watching w = watching.get(c);
        if (w == null) {
            return false;
        }
        if (w.touched) {
            return true;
        }
        for (WatchKey k : w.keys) {
            Database db = engine.database(k.db());
            if (!w.expiredWhenWatched.contains(k) && db.dict().find(k.key().bytes()) != null
                    && db.isLogicallyExpired(k.key().bytes())) {
                return true;
            }
        }
        return false;
    }

    /** Called for every modified key. */
    void keyModified(Database db, byte[] key) {
        if (watchers.isEmpty()) {
            return;
        }
        WatchKey wk = new WatchKey(db.id(), new BytesKey(key));
        List<Client> l = watchers.get(wk);
        if (l == null) {
            return;
        }
        boolean gone = db.dict().find(key) == null;
        for (Client c : l) {
            Watching w = watching.get(c);
            // Deleting a key that was already expired when watched is no logical change (Redis 7.0).
            if (gone && w.expiredWhenWatched.remove(wk)) {
                continue;
            }
            w.touched = true;
        }
    }

    /**
     * Marks clients watching keys of a database that is emptied (FLUSHDB, FLUSHALL: {@code replacedWith} null) or
     * swapped with {@code replacedWith} (SWAPDB), before the change, as Redis's touchAllWatchedKeysInDb: a watched
     * key counts as touched when it is in either database, except that a key already expired when watched that
     * goes away, or stays expired, is no logical change, and a missing key replaced by an expired one counts as
     * expired when watched.
     */
    public void databaseChanged(Database emptied, Database replacedWith) {
        if (watchers.isEmpty()) {
            return;
        }
        for (Map.Entry<WatchKey, List<Client>> e : watchers.entrySet()) {
            WatchKey wk = e.getKey();
            if (wk.db() != emptied.id()) {
                continue;
            }
            byte[] key = wk.key().bytes();
            boolean inEmptied = emptied.dict().find(key) != null;
            boolean inReplacement = replacedWith != null && replacedWith.dict().find(key) != null;
            if (!inEmptied && !inReplacement) {
                continue;
            }
            for (Client c : e.getValue()) {
                Watching w = watching.get(c);
                if (w.expiredWhenWatched.contains(wk)) {
                    if (!inReplacement) {
                        w.expiredWhenWatched.remove(wk);
                        continue;
                    }
                    if (replacedWith.isLogicallyExpired(key)) {
                        continue;
                    }
                } else if (!inEmptied && replacedWith.isLogicallyExpired(key)) {
                    w.expiredWhenWatched.add(wk);
                    continue;
                }
                w.touched = true;
            }
        }
    }
}
