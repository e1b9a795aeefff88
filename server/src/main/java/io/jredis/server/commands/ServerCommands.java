package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.Shutdown;
import io.jredis.server.command.CommandTable;
import io.jredis.server.util.Bytes;
import java.time.Instant;

/** Server-level commands on the whole dataset and the process: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, SHUTDOWN. */
final class ServerCommands {
    private ServerCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("dbsize", (c, argv) -> c.reply().integer(c.db().size()));
        t.register("flushdb", ServerCommands::flushdb);
        t.register("flushall", ServerCommands::flushall);
        t.register("swapdb", ServerCommands::swapdb);
        t.register("time", ServerCommands::time);
        t.register("shutdown", ServerCommands::shutdown);
    }

    /**
     * The optional ASYNC|SYNC argument of FLUSHDB and FLUSHALL. Freeing is always immediate here: the JVM's
     * collector reclaims the old dictionaries off the engine thread, which is what ASYNC buys in Redis.
     */
    private static boolean flushArgsOk(Client c, byte[][] argv) {
        if (argv.length > 2 || (argv.length == 2 && !Bytes.eqIgnoreCase(argv[1], "async")
                && !Bytes.eqIgnoreCase(argv[1], "sync"))) {
            c.engine().error(c, Args.SYNTAX);
            return false;
        }
        return true;
    }

    /**
     * An asynchronous flush (ASYNC, or no argument under lazyfree-lazy-user-flush) hands every key to Redis's lazyfree
     * thread: INFO lazyfreed_objects counts them.
     */
    private static void countLazyFlush(Client c, byte[][] argv, long keys) {
        boolean async = argv.length == 2 ? Bytes.eqIgnoreCase(argv[1], "async")
                : c.engine().config().lazyfreeLazyUserFlush.value();
        if (async) {
            c.engine().stats().lazyfreedObjects += keys;
        }
    }

    /** FLUSHDB [ASYNC|SYNC] */
    private static void flushdb(Client c, byte[][] argv) {
        if (!flushArgsOk(c, argv)) {
            return;
        }
        Engine e = c.engine();
        long removed = e.emptyDatabase(c.db());
        countLazyFlush(c, argv, removed);
        e.dirty(removed);
        e.tracking().invalidateAllOnFlush();
        // Propagated even when the database was already empty, as Redis forces it.
        e.forcePropagation();
        c.reply().ok();
    }

    /** FLUSHALL [ASYNC|SYNC] */
    private static void flushall(Client c, byte[][] argv) {
        if (!flushArgsOk(c, argv)) {
            return;
        }
        Engine e = c.engine();
        long removed = 0;
        for (int i = 0; i < e.databaseCount(); i++) {
            removed += e.emptyDatabase(e.database(i));
        }
        countLazyFlush(c, argv, removed);
        e.tracking().invalidateAllOnFlush();
        // Redis 7.0's flushAllDataAndResetRDB counts the removed keys only (an empty dataset's FLUSHALL adds none).
        e.dirty(removed);
        e.forcePropagation();
        c.reply().ok();
    }

    /** SWAPDB index1 index2 */
    private static void swapdb(Client c, byte[][] argv) {
        Engine e = c.engine();
        Long a = intArg(argv[1]);
        if (a == null) {
            e.error(c, "ERR invalid first DB index");
            return;
        }
        Long b = intArg(argv[2]);
        if (b == null) {
            e.error(c, "ERR invalid second DB index");
            return;
        }
        int n = e.databaseCount();
        if (a < 0 || a >= n || b < 0 || b >= n) {
            e.error(c, "ERR DB index is out of range");
            return;
        }
        if (!a.equals(b)) {
            e.swapDatabases(a.intValue(), b.intValue());
        }
        e.dirty(1);
        c.reply().ok();
    }

    /** A value Redis's getIntFromObject accepts: a 64-bit integer that fits in a C int. */
    private static Long intArg(byte[] arg) {
        Long v = Bytes.toLong(arg);
        return v == null || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE ? null : v;
    }

    /** TIME: unix seconds and microseconds, as two bulk strings. */
    private static void time(Client c, byte[][] argv) {
        Instant now = Instant.now();
        c.reply().array(2);
        c.reply().bulk(now.getEpochSecond());
        c.reply().bulk(now.getNano() / 1000);
    }

    /**
     * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: see {@link Shutdown}. The caller stays blocked until the server
     * exits (no reply, as in Redis) or the shutdown fails or is aborted (an error).
     */
    private static void shutdown(Client c, byte[][] argv) {
        int flags = 0;
        boolean abort = false;
        for (int i = 1; i < argv.length; i++) {
            if (Bytes.eqIgnoreCase(argv[i], "nosave")) {
                flags |= Shutdown.NOSAVE;
            } else if (Bytes.eqIgnoreCase(argv[i], "save")) {
                flags |= Shutdown.SAVE;
            } else if (Bytes.eqIgnoreCase(argv[i], "now")) {
                flags |= Shutdown.NOW;
            } else if (Bytes.eqIgnoreCase(argv[i], "force")) {
                flags |= Shutdown.FORCE;
            } else if (Bytes.eqIgnoreCase(argv[i], "abort")) {
                abort = true;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        if ((abort && flags != 0) || ((flags & Shutdown.NOSAVE) != 0 && (flags & Shutdown.SAVE) != 0)) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        Shutdown shutdown = c.engine().shutdownSequence();
        if (abort) {
            if (shutdown.abort()) {
                c.reply().ok();
            } else {
                c.engine().error(c, "ERR No shutdown in progress.");
            }
            return;
        }
        if ((flags & Shutdown.NOW) == 0 && c.denyBlocking()) {
            c.engine().error(c, "ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
            return;
        }
        boolean nosave = (flags & Shutdown.NOSAVE) != 0;
        String busy = nosave || c.engine().scripting() == null ? null : c.engine().scripting().busyShutdownError();
        if (busy != null) {
            c.engine().error(c, busy);
            return;
        }
        shutdown.command(c, flags);
    }
}
