package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.config.BoolDirective;
import io.jredis.server.db.AppendedString;
import io.jredis.server.db.UnsharedInteger;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.db.Values;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Doubles.LongDouble;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * String commands (Redis's t_string.c). Strings are stored as {@code byte[]}; any other stored value is another type.
 * Values are never changed in place: a stored array may be shared with a command vector still queued for
 * propagation, so every change stores a new array.
 */
final class StringCommands {
    private static final int NX = 1;
    private static final int XX = 1 << 1;
    private static final int EX = 1 << 2;
    private static final int PX = 1 << 3;
    private static final int KEEPTTL = 1 << 4;
    private static final int GET = 1 << 5;
    private static final int EXAT = 1 << 6;
    private static final int PXAT = 1 << 7;
    private static final int PERSIST = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    private static final byte[] SET = Bytes.of("SET");
    private static final byte[] PXAT_ARG = Bytes.of("PXAT");
    private static final byte[] KEEPTTL_ARG = Bytes.of("KEEPTTL");
    private static final byte[] PEXPIREAT = Bytes.of("PEXPIREAT");
    private static final byte[] PERSIST_CMD = Bytes.of("PERSIST");
    private static final byte[] DEL = Bytes.of("DEL");
    private static final byte[] UNLINK = Bytes.of("UNLINK");
    /** Marker returned by {@link #stringForWrite} when the key holds another type (compared by identity). */
    private static final byte[] WRONG = new byte[0];

    private StringCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("get", StringCommands::get);
        t.register("set", StringCommands::set);
        t.register("setnx", (c, argv) -> setGeneric(c, argv, NX, argv[1], argv[2], null, "setnx", true));
        t.register("setex", (c, argv) -> setGeneric(c, argv, EX, argv[1], argv[3], argv[2], "setex", false));
        t.register("psetex", (c, argv) -> setGeneric(c, argv, PX, argv[1], argv[3], argv[2], "psetex", false));
        t.register("getex", StringCommands::getex);
        t.register("getdel", StringCommands::getdel);
        t.register("getset", StringCommands::getset);
        t.register("mget", StringCommands::mget);
        t.register("mset", (c, argv) -> mset(c, argv, false));
        t.register("msetnx", (c, argv) -> mset(c, argv, true));
        t.register("append", StringCommands::append);
        t.register("strlen", StringCommands::strlen);
        t.register("incr", (c, argv) -> incrDecr(c, argv[1], 1));
        t.register("decr", (c, argv) -> incrDecr(c, argv[1], -1));
        t.register("incrby", StringCommands::incrby);
        t.register("decrby", StringCommands::decrby);
        t.register("incrbyfloat", StringCommands::incrbyfloat);
        t.register("setrange", StringCommands::setrange);
        t.register("getrange", StringCommands::getrange);
        t.register("substr", StringCommands::getrange);
        t.register("lcs", StringCommands::lcs);
    }

    /** GET key */
    private static void get(Client c, byte[][] argv) {
        replyValue(c, argv[1]);
    }

    /**
     * Replies the string at {@code key} or null (Redis's getGenericCommand); returns false after a WRONGTYPE error.
     */
    private static boolean replyValue(Client c, byte[] key) {
        Dict.Entry e = c.engine().lookupReadEntry(c.db(), key, 0);
        if (e == null) {
            c.reply().nullBulk();
            return true;
        }
        // Read as stored: trimming an appended string for every read would undo its room when APPEND and GET alternate.
        Object v = e.stored();
        if (v instanceof byte[] s) {
            c.reply().bulk(s);
        } else if (v instanceof AppendedString a) {
            c.reply().bulk(a.bytes(), 0, a.length());
        } else if (v instanceof UnsharedInteger u) {
            c.reply().bulk(u.digits());
        } else {
            c.engine().error(c, Args.WRONGTYPE);
            return false;
        }
        return true;
    }

    /** SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL] */
    private static void set(Client c, byte[][] argv) {
        int flags = 0;
        byte[] expire = null;
        if (argv.length > 3) {
            Options o = parseOptions(c, argv, true);
            if (o == null) {
                return;
            }
            flags = o.flags();
            expire = o.expire();
        }
        setGeneric(c, argv, flags, argv[1], argv[2], expire, "set", false);
    }

    /** Flags and expire argument of SET or GETEX. */
    private record Options(int flags, byte[] expire) {}

    /**
     * Redis's parseExtendedStringArgumentsOrReply: SET takes NX, XX, GET, KEEPTTL; GETEX takes PERSIST; both take
     * one of EX, PX, EXAT, PXAT (the same one may repeat, the last value wins). Null after a syntax error reply.
     */
    private static Options parseOptions(Client c, byte[][] argv, boolean forSet) {
        int flags = 0;
        byte[] expire = null;
        for (int j = forSet ? 3 : 2; j < argv.length; j++) {
            byte[] opt = argv[j];
            boolean hasNext = j < argv.length - 1;
            if (forSet && Bytes.eqIgnoreCase(opt, "nx") && (flags & XX) == 0) {
                flags |= NX;
            } else if (forSet && Bytes.eqIgnoreCase(opt, "xx") && (flags & NX) == 0) {
                flags |= XX;
            } else if (forSet && Bytes.eqIgnoreCase(opt, "get")) {
                flags |= GET;
            } else if (forSet && Bytes.eqIgnoreCase(opt, "keepttl") && (flags & ANY_EXPIRE) == 0) {
                flags |= KEEPTTL;
            } else if (!forSet && Bytes.eqIgnoreCase(opt, "persist") && (flags & ANY_EXPIRE) == 0) {
                flags |= PERSIST;
            } else if (hasNext && expireOption(opt) != 0
                    && (flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~expireOption(opt)))) == 0) {
                flags |= expireOption(opt);
                expire = argv[++j];
            } else {
                c.engine().error(c, Args.SYNTAX);
                return null;
            }
        }
        return new Options(flags, expire);
    }

    private static int expireOption(byte[] opt) {
        if (Bytes.eqIgnoreCase(opt, "ex")) {
            return EX;
        }
        if (Bytes.eqIgnoreCase(opt, "px")) {
            return PX;
        }
        if (Bytes.eqIgnoreCase(opt, "exat")) {
            return EXAT;
        }
        if (Bytes.eqIgnoreCase(opt, "pxat")) {
            return PXAT;
        }
        return 0;
    }

    /**
     * Redis's getExpireMillisecondsOrReply: the absolute unix-ms time an EX/PX/EXAT/PXAT argument means, or
     * {@code Long.MIN_VALUE} after an error reply (not an integer, not positive, or overflowing).
     */
    private static long expireAt(Client c, byte[] arg, int flags, String command) {
        Long v = Bytes.toLong(arg);
        if (v == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return Long.MIN_VALUE;
        }
        long ms = v;
        boolean seconds = (flags & (EX | EXAT)) != 0;
        if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) {
            c.engine().error(c, invalidExpire(command));
            return Long.MIN_VALUE;
        }
        if (seconds) {
            ms *= 1000;
        }
        if ((flags & (EX | PX)) != 0) {
            ms += c.engine().now();
        }
        if (ms <= 0) {
            c.engine().error(c, invalidExpire(command));
            return Long.MIN_VALUE;
        }
        return ms;
    }

    private static String invalidExpire(String command) {
        return "ERR invalid expire time in '" + command + "' command";
    }

    /**
     * Redis's setGenericCommand behind SET, SETNX, SETEX and PSETEX. Replies OK or, when NX/XX stop it, null (1 and 0
     * with {@code integerReply}, for SETNX); with GET it replies the old value instead. Propagates relative expiries as
     * {@code SET key value PXAT ms} and drops GET from what it propagates.
     */
    private static void setGeneric(Client c, byte[][] argv, int flags, byte[] key, byte[] value, byte[] expire,
            String command, boolean integerReply) {
        long when = 0;
        if (expire != null) {
            when = expireAt(c, expire, flags, command);
            if (when == Long.MIN_VALUE) {
                return;
            }
        }
        if ((flags & GET) != 0 && !replyValue(c, key)) {
            return;
        }
        Database db = c.db();
        // NX stops on an existing key, XX on a missing one.
        if ((flags & (NX | XX)) != 0 && (db.entry(key) != null) == ((flags & NX) != 0)) {
            if ((flags & GET) == 0) {
                if (integerReply) {
                    c.reply().integer(0);
                } else {
                    c.reply().nullBulk();
                }
            }
            return;
        }
        // With EX/PX/EXAT/PXAT the old TTL is kept until the new one replaces it: dropping it first took the key out
        // of the expires dict only to put it back (a tenth of SET ... EX's time on 100,000 keys with TTLs).
        Dict.Entry e = db.set(key, value, (flags & KEEPTTL) != 0 || expire != null);
        c.engine().dirty(1);
        Notify.event(c, KeyspaceEvents.STRING, "set", key);
        if (expire != null) {
            db.setExpire(e, when);
            Notify.event(c, KeyspaceEvents.GENERIC, "expire", key);
            c.engine().rewritePropagation(new byte[][] {SET, key, value, PXAT_ARG, Bytes.fromLong(when)});
        } else if ((flags & GET) != 0) {
            c.engine().rewritePropagation(withoutGet(argv));
        }
        if ((flags & GET) == 0) {
            if (integerReply) {
                c.reply().integer(1);
            } else {
                c.reply().ok();
            }
        }
    }

    /** The SET vector without its GET options (which may repeat), as Redis propagates SET ... GET. */
    private static byte[][] withoutGet(byte[][] argv) {
        List<byte[]> out = new ArrayList<>(argv.length);
        for (int j = 0; j < argv.length; j++) {
            if (j < 3 || !Bytes.eqIgnoreCase(argv[j], "get")) {
                out.add(argv[j]);
            }
        }
        return out.toArray(new byte[0][]);
    }

    /** GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST] */
    private static void getex(Client c, byte[][] argv) {
        Options o = parseOptions(c, argv, false);
        if (o == null) {
            return;
        }
        byte[] key = argv[1];
        Database db = c.db();
        Object v = c.engine().lookupRead(db, key);
        if (v == null) {
            c.reply().nullBulk();
            return;
        }
        if (!(v instanceof byte[] s)) {
            c.engine().error(c, Args.WRONGTYPE);
            return;
        }
        long when = 0;
        if (o.expire() != null) {
            when = expireAt(c, o.expire(), o.flags(), "getex");
            if (when == Long.MIN_VALUE) {
                return;
            }
        }
        c.reply().bulk(s);
        Engine engine = c.engine();
        if ((o.flags() & (EXAT | PXAT)) != 0 && when <= engine.now() && engine.mayDeleteExpired()) {
            // An absolute time already past deletes the key, as Redis's checkAlreadyExpired (masters only).
            db.delete(key);
            engine.rewritePropagation(new byte[][] {lazyfree(c, "lazyfree-lazy-expire") ? UNLINK : DEL, key});
            db.signalModified(key);
            Notify.del(c, key);
            engine.dirty(1);
        } else if (o.expire() != null) {
            db.setExpire(db.entry(key), when);
            engine.rewritePropagation(new byte[][] {PEXPIREAT, key, Bytes.fromLong(when)});
            db.signalModified(key);
            Notify.event(c, KeyspaceEvents.GENERIC, "expire", key);
            engine.dirty(1);
        } else if ((o.flags() & PERSIST) != 0 && db.persist(db.entry(key))) {
            engine.rewritePropagation(new byte[][] {PERSIST_CMD, key});
            db.signalModified(key);
            Notify.event(c, KeyspaceEvents.GENERIC, "persist", key);
            engine.dirty(1);
        }
    }

    /** True when a lazyfree directive is set to yes (absent directives read as Redis's default, no). */
    private static boolean lazyfree(Client c, String directive) {
        return c.engine().config().find(directive) instanceof BoolDirective b && b.value();
    }

    /** GETDEL key */
    private static void getdel(Client c, byte[][] argv) {
        byte[] key = argv[1];
        if (!replyValue(c, key)) {
            return;
        }
        Database db = c.db();
        if (db.delete(key)) {
            c.engine().rewritePropagation(new byte[][] {lazyfree(c, "lazyfree-lazy-user-del") ? UNLINK : DEL, key});
            db.signalModified(key);
            Notify.del(c, key);
            c.engine().dirty(1);
        }
    }

    /** GETSET key value: propagated as SET. */
    private static void getset(Client c, byte[][] argv) {
        if (!replyValue(c, argv[1])) {
            return;
        }
        c.db().set(argv[1], argv[2], false);
        Notify.event(c, KeyspaceEvents.STRING, "set", argv[1]);
        c.engine().dirty(1);
        c.engine().rewritePropagation(new byte[][] {SET, argv[1], argv[2]});
    }

    /** MGET key [key ...]: null for missing keys and for keys of other types. */
    private static void mget(Client c, byte[][] argv) {
        Reply r = c.reply();
        r.array(argv.length - 1);
        Database db = c.db();
        for (int j = 1; j < argv.length; j++) {
            Object v = c.engine().lookupRead(db, argv[j]);
            if (v instanceof byte[] s) {
                r.bulk(s);
            } else {
                r.nullBulk();
            }
        }
    }

    /** MSET key value [key value ...] and MSETNX (sets nothing, replies 0, if any key exists). */
    private static void mset(Client c, byte[][] argv, boolean nx) {
        if (argv.length % 2 == 0) {
            c.engine().error(c, "ERR wrong number of arguments for '" + (nx ? "msetnx" : "mset") + "' command");
            return;
        }
        Database db = c.db();
        if (nx) {
            for (int j = 1; j < argv.length; j += 2) {
                if (db.entry(argv[j]) != null) {
                    c.reply().integer(0);
                    return;
                }
            }
        }
        for (int j = 1; j < argv.length; j += 2) {
            db.set(argv[j], argv[j + 1], false);
            Notify.event(c, KeyspaceEvents.STRING, "set", argv[j]);
        }
        c.engine().dirty((argv.length - 1) / 2);
        if (nx) {
            c.reply().integer(1);
        } else {
            c.reply().ok();
        }
    }

    /** Redis's checkStringLength: refuses results longer than proto-max-bulk-len; false after the error reply. */
    private static boolean lengthOk(Client c, long size, long append) {
        long total = size + append;
        if (total > c.engine().config().protoMaxBulkLen.value() || total < size) {
            c.engine().error(c, "ERR string exceeds maximum allowed size (proto-max-bulk-len)");
            return false;
        }
        return true;
    }

    /** The string at {@code key} for a write, null if absent; {@link #WRONG} after a WRONGTYPE reply. */
    private static byte[] stringForWrite(Client c, byte[] key) {
        Object v = c.db().get(key);
        if (v == null || v instanceof byte[]) {
            return (byte[]) v;
        }
        c.engine().error(c, Args.WRONGTYPE);
        return WRONG;
    }

    /**
     * APPEND key value: as Redis, into an unshared (raw) string with room to grow ({@link AppendedString}), so that
     * appending is not a copy of the whole string each time.
     */
    private static void append(Client c, byte[][] argv) {
        byte[] key = argv[1];
        Database db = c.db();
        Dict.Entry e = db.lookup(key);
        int length;
        if (e == null) {
            db.set(key, argv[2], true);
            length = argv[2].length;
        } else if (e.stored() instanceof AppendedString a) {
            if (!lengthOk(c, a.length(), argv[2].length)) {
                return;
            }
            a.append(argv[2]);
            db.replace(e, a);
            length = a.length();
        } else if (e.value() instanceof byte[] cur) {
            if (!lengthOk(c, cur.length, argv[2].length)) {
                return;
            }
            AppendedString a = new AppendedString(cur, argv[2]);
            db.replace(e, a);
            length = a.length();
        } else {
            c.engine().error(c, Args.WRONGTYPE);
            return;
        }
        Notify.event(c, KeyspaceEvents.STRING, "append", key);
        c.engine().dirty(1);
        c.reply().integer(length);
    }

    /** STRLEN key */
    private static void strlen(Client c, byte[][] argv) {
        Dict.Entry e = c.engine().lookupReadEntry(c.db(), argv[1], 0);
        Object v = e == null ? null : e.stored();
        if (v == null) {
            c.reply().integer(0);
        } else if (v instanceof byte[] s) {
            c.reply().integer(s.length);
        } else if (v instanceof AppendedString a) {
            c.reply().integer(a.length());
        } else if (v instanceof UnsharedInteger u) {
            c.reply().integer(u.digits().length);
        } else {
            c.engine().error(c, Args.WRONGTYPE);
        }
    }

    /** INCRBY key increment */
    private static void incrby(Client c, byte[][] argv) {
        Long incr = Bytes.toLong(argv[2]);
        if (incr == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        incrDecr(c, argv[1], incr);
    }

    /** DECRBY key decrement */
    private static void decrby(Client c, byte[][] argv) {
        Long decr = Bytes.toLong(argv[2]);
        if (decr == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        if (decr == Long.MIN_VALUE) {
            c.engine().error(c, "ERR decrement would overflow");
            return;
        }
        incrDecr(c, argv[1], -decr);
    }

    /** Redis's incrDecrCommand: adds to the integer at key (0 if absent), keeping its TTL. */
    private static void incrDecr(Client c, byte[] key, long incr) {
        Dict.Entry e = c.db().lookup(key);
        if (e != null && !(e.value() instanceof byte[])) {
            c.engine().error(c, Args.WRONGTYPE);
            return;
        }
        long value = 0;
        if (e != null) {
            Long parsed = Bytes.toLong((byte[]) e.value());
            if (parsed == null) {
                c.engine().error(c, Args.NOT_INTEGER);
                return;
            }
            value = parsed;
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            c.engine().error(c, "ERR increment or decrement would overflow");
            return;
        }
        value += incr;
        byte[] digits = Bytes.fromLong(value);
        if (e != null) {
            c.db().replace(e, digits);
        } else {
            c.db().set(key, digits, true);
        }
        Notify.event(c, KeyspaceEvents.STRING, "incrby", key);
        c.engine().dirty(1);
        c.reply().integer(digits);
    }

    /**
     * INCRBYFLOAT key increment: computed in x87 extended precision and stored as printed (%.17Lf, trailing zeros
     * removed), exactly as Redis does; propagated as {@code SET key result KEEPTTL} so replicas need no float math.
     */
    private static void incrbyfloat(Client c, byte[][] argv) {
        byte[] key = argv[1];
        byte[] cur = stringForWrite(c, key);
        if (cur == WRONG) {
            return;
        }
        LongDouble value = cur == null ? LongDouble.ZERO : LongDouble.parse(cur);
        LongDouble incr = value == null ? null : LongDouble.parse(argv[2]);
        if (incr == null) {
            c.engine().error(c, Args.NOT_FLOAT);
            return;
        }
        LongDouble sum = value.add(incr);
        if (!sum.isFinite()) {
            c.engine().error(c, "ERR increment would produce NaN or Infinity");
            return;
        }
        // Redis builds the result as a plain string: "embstr" even when it reads as an integer ("10").
        byte[] result = Values.notInt(Bytes.of(sum.toHumanString()));
        c.db().set(key, result, true);
        Notify.event(c, KeyspaceEvents.STRING, "incrbyfloat", key);
        c.engine().dirty(1);
        c.reply().bulk(result);
        c.engine().rewritePropagation(new byte[][] {SET, key, result, KEEPTTL_ARG});
    }

    /** SETRANGE key offset value: zero-pads as needed; an empty value changes nothing. */
    private static void setrange(Client c, byte[][] argv) {
        byte[] key = argv[1];
        byte[] value = argv[3];
        Long parsed = Bytes.toLong(argv[2]);
        if (parsed == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        long offset = parsed;
        if (offset < 0) {
            c.engine().error(c, "ERR offset is out of range");
            return;
        }
        byte[] cur = stringForWrite(c, key);
        if (cur == WRONG) {
            return;
        }
        int curLen = cur == null ? 0 : cur.length;
        if (value.length == 0) {
            c.reply().integer(curLen);
            return;
        }
        if (!lengthOk(c, offset, value.length)) {
            return;
        }
        int end = (int) offset + value.length;
        if (cur != null && end <= curLen && Values.isRaw(cur)) {
            System.arraycopy(value, 0, cur, (int) offset, value.length);
            BitCommands.changedInPlace(c, key, "setrange");
            c.reply().integer(curLen);
            return;
        }
        byte[] result = Arrays.copyOf(cur == null ? Bytes.EMPTY : cur, Math.max(curLen, end));
        System.arraycopy(value, 0, result, (int) offset, value.length);
        c.db().set(key, Values.raw(result), true);
        Notify.event(c, KeyspaceEvents.STRING, "setrange", key);
        c.engine().dirty(1);
        c.reply().integer(result.length);
    }

    /** GETRANGE key start end (and SUBSTR): inclusive, negative indexes count from the end. */
    private static void getrange(Client c, byte[][] argv) {
        Long s = Bytes.toLong(argv[2]);
        Long e = s == null ? null : Bytes.toLong(argv[3]);
        if (e == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        Object v = c.engine().lookupRead(c.db(), argv[1]);
        if (v == null) {
            c.reply().bulk(Bytes.EMPTY);
            return;
        }
        if (!(v instanceof byte[] str)) {
            c.engine().error(c, Args.WRONGTYPE);
            return;
        }
        long start = s;
        long end = e;
        long len = str.length;
        if (start < 0 && end < 0 && start > end) {
            c.reply().bulk(Bytes.EMPTY);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        start = Math.max(start, 0);
        end = Math.max(end, 0);
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            c.reply().bulk(Bytes.EMPTY);
        } else {
            c.reply().bulk(str, (int) start, (int) (end - start + 1));
        }
    }

    /** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] */
    private static void lcs(Client c, byte[][] argv) {
        Database db = c.db();
        Object oa = c.engine().lookupRead(db, argv[1]);
        Object ob = c.engine().lookupRead(db, argv[2]);
        if ((oa != null && !(oa instanceof byte[])) || (ob != null && !(ob instanceof byte[]))) {
            c.engine().error(c, "ERR The specified keys must contain string values");
            return;
        }
        byte[] a = oa == null ? Bytes.EMPTY : (byte[]) oa;
        byte[] b = ob == null ? Bytes.EMPTY : (byte[]) ob;
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < argv.length; j++) {
            byte[] opt = argv[j];
            boolean moreArgs = j < argv.length - 1;
            if (Bytes.eqIgnoreCase(opt, "idx")) {
                getIdx = true;
            } else if (Bytes.eqIgnoreCase(opt, "len")) {
                getLen = true;
            } else if (Bytes.eqIgnoreCase(opt, "withmatchlen")) {
                withMatchLen = true;
            } else if (Bytes.eqIgnoreCase(opt, "minmatchlen") && moreArgs) {
                Long v = Bytes.toLong(argv[++j]);
                if (v == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return;
                }
                minMatchLen = Math.max(0, v);
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }
        if (getLen && getIdx) {
            c.engine().error(c, "ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        int alen = a.length;
        int blen = b.length;
        long cells = (long) (alen + 1) * (blen + 1);
        if (cells * Integer.BYTES > c.engine().config().protoMaxBulkLen.value()) {
            c.engine().error(c, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        int[] table;
        try {
            table = cells > Integer.MAX_VALUE ? null : new int[(int) cells];
        } catch (OutOfMemoryError oom) {
            table = null;
        }
        if (table == null) {
            c.engine().error(c, "ERR Insufficient memory, failed allocating transient memory for LCS");
            return;
        }
        new Lcs(a, b, table).reply(c.reply(), getLen, getIdx, withMatchLen, minMatchLen);
    }

    /** The dynamic-programming table of Redis's lcsCommand and the walk back through it that emits the reply. */
    private static final class Lcs {
        private final byte[] a;
        private final byte[] b;
        private final int[] table;
        private final int width;

        Lcs(byte[] a, byte[] b, int[] table) {
            this.a = a;
            this.b = b;
            this.table = table;
            this.width = b.length + 1;
            for (int i = 1; i <= a.length; i++) {
                for (int j = 1; j <= b.length; j++) {
                    table[i * width + j] = a[i - 1] == b[j - 1]
                            ? table[(i - 1) * width + j - 1] + 1
                            : Math.max(table[(i - 1) * width + j], table[i * width + j - 1]);
                }
            }
        }

        private int at(int i, int j) {
            return table[i * width + j];
        }

        /**
         * Walks back from the end as Redis does, collecting the common string and (for IDX) the matched ranges from
         * last to first, so replies, range boundaries included, are the same as Redis's.
         */
        void reply(Reply r, boolean getLen, boolean getIdx, boolean withMatchLen, long minMatchLen) {
            int total = at(a.length, b.length);
            if (getLen && !getIdx) {
                r.integer(total);
                return;
            }
            byte[] result = new byte[total];
            List<long[]> ranges = new ArrayList<>();
            int idx = total;
            int i = a.length;
            int j = b.length;
            int aStart = a.length;
            int aEnd = 0;
            int bStart = 0;
            int bEnd = 0;
            while (i > 0 && j > 0) {
                boolean emit = false;
                if (a[i - 1] == b[j - 1]) {
                    result[idx - 1] = a[i - 1];
                    if (aStart == a.length) {
                        aStart = i - 1;
                        aEnd = i - 1;
                        bStart = j - 1;
                        bEnd = j - 1;
                    } else if (aStart == i && bStart == j) {
                        aStart--;
                        bStart--;
                    } else {
                        emit = true;
                    }
                    if (aStart == 0 || bStart == 0) {
                        emit = true;
                    }
                    idx--;
                    i--;
                    j--;
                } else {
                    if (at(i - 1, j) > at(i, j - 1)) {
                        i--;
                    } else {
                        j--;
                    }
                    if (aStart != a.length) {
                        emit = true;
                    }
                }
                if (emit) {
                    long matchLen = aEnd - aStart + 1;
                    if (minMatchLen == 0 || matchLen >= minMatchLen) {
                        ranges.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                    }
                    aStart = a.length;
                }
            }
            if (!getIdx) {
                r.bulk(result);
                return;
            }
            r.map(2);
            r.bulk("matches");
            r.array(ranges.size());
            for (long[] m : ranges) {
                r.array(withMatchLen ? 3 : 2);
                r.array(2);
                r.integer(m[0]);
                r.integer(m[1]);
                r.array(2);
                r.integer(m[2]);
                r.integer(m[3]);
                if (withMatchLen) {
                    r.integer(m[4]);
                }
            }
            r.bulk("len");
            r.integer(total);
        }
    }
}
