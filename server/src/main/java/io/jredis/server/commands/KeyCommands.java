package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.db.FreeEffort;
import io.jredis.server.db.Values;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Glob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Generic keyspace commands (Redis's db.c and object.c); the expiry commands live in {@link ExpireCommands}. */
final class KeyCommands {
    private static final String NO_SUCH_KEY = "ERR no such key";
    private static final String SAME_OBJECT = "ERR source and destination objects are the same";
    private static final String DB_OUT_OF_RANGE = "ERR DB index is out of range";
    private static final String[] OBJECT_HELP = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };

    private KeyCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("del", KeyCommands::del);
        t.register("unlink", KeyCommands::del);
        t.register("exists", KeyCommands::exists);
        t.register("type", KeyCommands::type);
        t.register("rename", (c, argv) -> rename(c, argv, false));
        t.register("renamenx", (c, argv) -> rename(c, argv, true));
        t.register("keys", KeyCommands::keys);
        t.register("scan", KeyCommands::scan);
        t.register("randomkey", KeyCommands::randomKey);
        t.register("copy", KeyCommands::copy);
        t.register("move", KeyCommands::move);
        t.register("object|encoding", KeyCommands::objectEncoding);
        t.register("object|refcount", KeyCommands::objectRefcount);
        t.register("object|idletime", KeyCommands::objectIdletime);
        t.register("object|freq", KeyCommands::objectFreq);
        t.register("object|help", (c, argv) -> {
            c.reply().array(OBJECT_HELP.length);
            for (String line : OBJECT_HELP) {
                c.reply().simple(line);
            }
        });
        ExpireCommands.register(engine);
    }

    /**
     * DEL key [key ...] and UNLINK key [key ...]: the same here, as the JVM reclaims memory in the background
     * anyway; each keeps its own name when propagated. A lazy delete (UNLINK, or DEL under lazyfree-lazy-user-del)
     * counts the values Redis would hand to its lazyfree thread.
     */
    private static void del(Client c, byte[][] argv) {
        Database db = c.db();
        boolean lazy = Bytes.eqIgnoreCase(argv[0], "unlink") || c.engine().config().lazyfreeLazyUserDel.value();
        long fill = c.engine().config().listMaxListpackSize.value();
        int deleted = 0;
        for (int i = 1; i < argv.length; i++) {
            Dict.Entry e = lazy ? db.entry(argv[i]) : null;
            if (e != null && FreeEffort.aboveThreshold(e.value(), fill)) {
                c.engine().stats().lazyfreedObjects++;
            }
            if (db.delete(argv[i])) {
                db.signalModified(argv[i]);
                Notify.del(c, argv[i]);
                deleted++;
            }
        }
        c.engine().dirty(deleted);
        c.reply().integer(deleted);
    }

    /** EXISTS key [key ...]: a key named twice counts twice. */
    private static void exists(Client c, byte[][] argv) {
        int n = 0;
        for (int i = 1; i < argv.length; i++) {
            if (c.engine().lookupReadEntry(c.db(), argv[i], Engine.LOOKUP_NOTOUCH) != null) {
                n++;
            }
        }
        c.reply().integer(n);
    }

    /** TYPE key */
    private static void type(Client c, byte[][] argv) {
        Dict.Entry e = c.engine().lookupReadEntry(c.db(), argv[1], Engine.LOOKUP_NOTOUCH);
        c.reply().simple(typeName(e));
    }

    private static String typeName(Dict.Entry e) {
        return e == null ? "none" : Values.type(e.value()).typeName();
    }

    /** RENAME key newkey, RENAMENX key newkey */
    private static void rename(Client c, byte[][] argv, boolean nx) {
        Database db = c.db();
        byte[] from = argv[1];
        byte[] to = argv[2];
        if (db.lookup(from) == null) {
            c.engine().error(c, NO_SUCH_KEY);
            return;
        }
        if (Arrays.equals(from, to)) {
            reply01(c, nx, false);
            return;
        }
        if (db.lookup(to) != null && nx) {
            c.reply().integer(0);
            return;
        }
        db.rename(from, to);
        db.signalModified(from);
        db.signalModified(to);
        Notify.event(c, KeyspaceEvents.GENERIC, "rename_from", from);
        Notify.event(c, KeyspaceEvents.GENERIC, "rename_to", to);
        c.engine().dirty(1);
        reply01(c, nx, true);
    }

    /** RENAMENX answers 1/0, RENAME answers OK (a same-name RENAME is a successful no-op). */
    private static void reply01(Client c, boolean nx, boolean renamed) {
        if (!nx) {
            c.reply().ok();
        } else {
            c.reply().integer(renamed ? 1 : 0);
        }
    }

    /** KEYS pattern: expired keys are skipped but, as in Redis, not reclaimed here. */
    private static void keys(Client c, byte[][] argv) {
        Database db = c.db();
        byte[] pattern = argv[1];
        boolean all = pattern.length == 1 && pattern[0] == '*';
        List<byte[]> found = new ArrayList<>();
        db.dict().forEach(e -> {
            if ((all || Glob.match(pattern, e.key, false)) && !db.isExpired(e)) {
                found.add(e.key);
            }
        });
        c.reply().array(found.size());
        for (byte[] k : found) {
            if (c.closeAsap()) {
                // Over its output limits: the client is about to be closed and will get nothing.
                break;
            }
            c.reply().bulk(k);
        }
    }

    /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
    private static void scan(Client c, byte[][] argv) {
        Long parsed = ElementScan.parseCursor(argv[1]);
        if (parsed == null) {
            c.engine().error(c, ElementScan.INVALID_CURSOR);
            return;
        }
        long cursor = parsed;
        long count = 10;
        byte[] pattern = null;
        byte[] type = null;
        for (int i = 2; i < argv.length; i += 2) {
            boolean hasValue = i + 1 < argv.length;
            if (hasValue && Bytes.eqIgnoreCase(argv[i], "count")) {
                Long n = Bytes.toLong(argv[i + 1]);
                if (n == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return;
                }
                if (n < 1) {
                    c.engine().error(c, Args.SYNTAX);
                    return;
                }
                count = n;
            } else if (hasValue && Bytes.eqIgnoreCase(argv[i], "match")) {
                byte[] p = argv[i + 1];
                pattern = p.length == 1 && p[0] == '*' ? null : p;
            } else if (hasValue && Bytes.eqIgnoreCase(argv[i], "type")) {
                type = argv[i + 1];
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        Database db = c.db();
        List<byte[]> found = new ArrayList<>();
        // As Redis: at most ten empty buckets per requested element, so a sparse table cannot stall the loop.
        long maxIterations = count * 10;
        do {
            cursor = db.dict().scan(cursor, e -> found.add(e.key));
        } while (cursor != 0 && maxIterations-- != 0 && found.size() < count);

        List<byte[]> out = new ArrayList<>(found.size());
        for (byte[] key : found) {
            if (pattern != null && !Glob.match(pattern, key, false)) {
                continue;
            }
            if (type != null && !Bytes.eqIgnoreCase(type, typeName(db.entry(key)))) {
                continue;
            }
            // Checked after the type filter as in Redis: a key that filter reclaimed as expired is not filtered again.
            Dict.Entry e = db.dict().find(key);
            if (e != null && db.isExpired(e)) {
                db.entry(key);
                continue;
            }
            out.add(key);
        }
        c.reply().array(2);
        c.reply().bulk(Long.toUnsignedString(cursor));
        c.reply().array(out.size());
        for (byte[] k : out) {
            c.reply().bulk(k);
        }
    }

    /** RANDOMKEY */
    private static void randomKey(Client c, byte[][] argv) {
        byte[] key = c.db().randomKey();
        if (key == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(key);
        }
    }

    /** COPY source destination [DB destination-db] [REPLACE] */
    private static void copy(Client c, byte[][] argv) {
        Database src = c.db();
        Database dst = src;
        boolean replace = false;
        for (int i = 3; i < argv.length; i++) {
            if (Bytes.eqIgnoreCase(argv[i], "replace")) {
                replace = true;
            } else if (Bytes.eqIgnoreCase(argv[i], "db") && i + 1 < argv.length) {
                dst = databaseArg(c, argv[++i]);
                if (dst == null) {
                    return;
                }
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        byte[] key = argv[1];
        byte[] newKey = argv[2];
        if (src == dst && Arrays.equals(key, newKey)) {
            c.engine().error(c, SAME_OBJECT);
            return;
        }
        Dict.Entry e = c.engine().lookupReadEntry(src, key, 0);
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        if (dst.lookup(newKey) != null) {
            if (!replace) {
                c.reply().integer(0);
                return;
            }
            dst.delete(newKey);
        }
        Dict.Entry copy = dst.add(newKey, Values.copy(e.value()));
        if (e.expireAt >= 0) {
            dst.setExpire(copy, e.expireAt);
        }
        dst.signalModified(newKey);
        c.engine().keyspaceEvents().notify(KeyspaceEvents.GENERIC, "copy_to", newKey, dst.id());
        c.engine().dirty(1);
        c.reply().integer(1);
    }

    /** MOVE key db */
    private static void move(Client c, byte[][] argv) {
        Database src = c.db();
        Database dst = databaseArg(c, argv[2]);
        if (dst == null) {
            return;
        }
        if (src == dst) {
            c.engine().error(c, SAME_OBJECT);
            return;
        }
        byte[] key = argv[1];
        if (src.lookup(key) == null || dst.lookup(key) != null) {
            c.reply().integer(0);
            return;
        }
        src.move(key, dst);
        src.signalModified(key);
        dst.signalModified(key);
        c.engine().keyspaceEvents().notify(KeyspaceEvents.GENERIC, "move_from", key, src.id());
        c.engine().keyspaceEvents().notify(KeyspaceEvents.GENERIC, "move_to", key, dst.id());
        c.engine().dirty(1);
        c.reply().integer(1);
    }

    /** A database index argument (Redis's getIntFromObjectOrReply, then a range check), or null after an error. */
    private static Database databaseArg(Client c, byte[] arg) {
        Long id = Bytes.toLong(arg);
        if (id == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return null;
        }
        if (id != id.intValue()) {
            c.engine().error(c, "ERR value is out of range, value must between -2147483648 and 2147483647");
            return null;
        }
        if (id < 0 || id >= c.engine().databaseCount()) {
            c.engine().error(c, DB_OUT_OF_RANGE);
            return null;
        }
        return c.engine().database(id.intValue());
    }

    /** OBJECT's lookup: counted as a hit or miss, but a miss is no "keymiss" event and no access. */
    private static Dict.Entry objectLookup(Client c, byte[] key) {
        return c.engine().lookupReadEntry(c.db(), key, Engine.LOOKUP_NOTOUCH | Engine.LOOKUP_NONOTIFY);
    }

    /** OBJECT ENCODING key */
    private static void objectEncoding(Client c, byte[][] argv) {
        Dict.Entry e = objectLookup(c, argv[2]);
        if (e == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(Values.encoding(e.value()));
        }
    }

    /** OBJECT REFCOUNT key. */
    private static void objectRefcount(Client c, byte[][] argv) {
        Dict.Entry e = objectLookup(c, argv[2]);
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().integer(Values.refcount(e.stored(), c.engine().memory().sharedIntegers()));
    }

    /**
     * OBJECT IDLETIME key: seconds between the key's last access and now, counted in whole ticks of a seconds clock
     * as Redis's LRU clock does. Under an LFU policy the access field holds a counter, so Redis refuses.
     */
    private static void objectIdletime(Client c, byte[][] argv) {
        Dict.Entry e = objectLookup(c, argv[2]);
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        if (c.engine().memory().lfuPolicy()) {
            c.engine().error(c, "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that"
                    + " when switching between policies at runtime LRU and LFU data will take some time to adjust.");
            return;
        }
        c.reply().integer(c.engine().memory().idleSeconds(e));
    }

    /** OBJECT FREQ key: the key's logarithmic LFU counter after decay; only an LFU policy keeps one. */
    private static void objectFreq(Client c, byte[][] argv) {
        Dict.Entry e = objectLookup(c, argv[2]);
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        if (c.engine().memory().lfuPolicy()) {
            c.reply().integer(c.engine().memory().frequency(e));
            return;
        }
        c.engine().error(c, "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note"
                + " that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
    }
}
