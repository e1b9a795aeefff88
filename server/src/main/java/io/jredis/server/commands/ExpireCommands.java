package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.util.Bytes;

/** Time-to-live commands (Redis's expire.c): EXPIRE and its variants, TTL and its variants, PERSIST, TOUCH. */
final class ExpireCommands {
    private static final byte[] PEXPIREAT = Bytes.of("PEXPIREAT");
    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 4;
    private static final int LT = 8;

    private ExpireCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("expire", (c, argv) -> expire(c, argv, true, true, "expire"));
        t.register("pexpire", (c, argv) -> expire(c, argv, true, false, "pexpire"));
        t.register("expireat", (c, argv) -> expire(c, argv, false, true, "expireat"));
        t.register("pexpireat", (c, argv) -> expire(c, argv, false, false, "pexpireat"));
        t.register("ttl", (c, argv) -> ttl(c, argv, false, false));
        t.register("pttl", (c, argv) -> ttl(c, argv, true, false));
        t.register("expiretime", (c, argv) -> ttl(c, argv, false, true));
        t.register("pexpiretime", (c, argv) -> ttl(c, argv, true, true));
        t.register("persist", ExpireCommands::persist);
        t.register("touch", ExpireCommands::touch);
    }

    /**
     * EXPIRE key seconds [NX|XX|GT|LT] and PEXPIRE, EXPIREAT, PEXPIREAT. Propagated as PEXPIREAT with the absolute
     * time, or as DEL (UNLINK with lazyfree-lazy-expire) when that time has already passed.
     */
    private static void expire(Client c, byte[][] argv, boolean relative, boolean seconds, String name) {
        Engine engine = c.engine();
        // One clock reading for both the base and the already-expired check (Redis 7.2's command time snapshot):
        // a pause between two readings must not turn a short TTL into a delete.
        long now = engine.now();
        long baseMs = relative ? now : 0;
        int flags = 0;
        for (int i = 3; i < argv.length; i++) {
            String opt = Bytes.lower(argv[i]);
            switch (opt) {
                case "nx" -> flags |= NX;
                case "xx" -> flags |= XX;
                case "gt" -> flags |= GT;
                case "lt" -> flags |= LT;
                default -> {
                    engine.error(c, "ERR Unsupported option " + Bytes.str(argv[i]));
                    return;
                }
            }
        }
        if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
            engine.error(c, "ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if ((flags & GT) != 0 && (flags & LT) != 0) {
            engine.error(c, "ERR GT and LT options at the same time are not compatible");
            return;
        }
        Long arg = Bytes.toLong(argv[2]);
        if (arg == null) {
            engine.error(c, Args.NOT_INTEGER);
            return;
        }
        long when = arg;
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                engine.error(c, invalidExpireTime(name));
                return;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - baseMs) {
            engine.error(c, invalidExpireTime(name));
            return;
        }
        when += baseMs;

        Database db = c.db();
        byte[] key = argv[1];
        Dict.Entry e = db.lookup(key);
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        long current = e.expireAt;
        boolean refused = ((flags & NX) != 0 && current != -1)
                || ((flags & XX) != 0 && current == -1)
                // A key without a TTL lives forever: no time is greater, every time is less.
                || ((flags & GT) != 0 && (current == -1 || when <= current))
                || ((flags & LT) != 0 && current != -1 && when >= current);
        if (refused) {
            c.reply().integer(0);
            return;
        }
        // A replica keeps even an already expired TTL and waits for the master's DEL.
        boolean deleted = when <= now && engine.mayDeleteExpired();
        if (deleted) {
            db.delete(key);
            engine.rewritePropagation(engine.expiredDeletion(key));
        } else {
            db.setExpire(e, when);
            if (!name.equals("pexpireat")) {
                byte[][] out = argv.clone();
                out[0] = PEXPIREAT;
                out[2] = Bytes.fromLong(when);
                engine.rewritePropagation(out);
            }
        }
        db.signalModified(key);
        Notify.event(c, KeyspaceEvents.GENERIC, deleted ? "del" : "expire", key);
        engine.dirty(1);
        c.reply().integer(1);
    }

    private static String invalidExpireTime(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for no key, -1 for no TTL; seconds are rounded to nearest. */
    private static void ttl(Client c, byte[][] argv, boolean millis, boolean absolute) {
        Dict.Entry e = c.engine().lookupReadEntry(c.db(), argv[1], Engine.LOOKUP_NOTOUCH);
        if (e == null) {
            c.reply().integer(-2);
            return;
        }
        if (e.expireAt < 0) {
            c.reply().integer(-1);
            return;
        }
        long t = Math.max(0, absolute ? e.expireAt : e.expireAt - c.engine().now());
        // Rounded without overflowing near Long.MAX_VALUE, where Redis's compiled (t + 500) / 1000 is exact too.
        c.reply().integer(millis ? t : t / 1000 + (t % 1000 + 500) / 1000);
    }

    /** PERSIST key */
    private static void persist(Client c, byte[][] argv) {
        Database db = c.db();
        Dict.Entry e = db.lookup(argv[1]);
        if (e == null || !db.persist(e)) {
            c.reply().integer(0);
            return;
        }
        db.signalModified(argv[1]);
        Notify.event(c, KeyspaceEvents.GENERIC, "persist", argv[1]);
        c.engine().dirty(1);
        c.reply().integer(1);
    }

    /** TOUCH key [key ...]: refreshes the access clock of each existing key. */
    private static void touch(Client c, byte[][] argv) {
        int n = 0;
        for (int i = 1; i < argv.length; i++) {
            if (c.engine().lookupRead(c.db(), argv[i]) != null) {
                n++;
            }
        }
        c.reply().integer(n);
    }
}
