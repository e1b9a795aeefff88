package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import io.jredis.server.db.Values;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bitmap commands (Redis's bitops.c): strings seen as arrays of bits, bit 0 being the most significant bit of the
 * first byte. A raw string (see {@link Values#isRaw}) is changed in place where its length allows; other strings are
 * never changed in place: a write builds a new array.
 */
final class BitCommands {
    private static final String BAD_OFFSET = "ERR bit offset is not an integer or out of range";
    private static final String BAD_BIT = "ERR bit is not an integer or out of range";
    private static final String BAD_TYPE =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private static final int AND = 0;
    private static final int OR = 1;
    private static final int XOR = 2;
    private static final int NOT = 3;

    private static final int WRAP = 0;
    private static final int SAT = 1;
    private static final int FAIL = 2;

    private static final int OP_GET = 0;
    private static final int OP_SET = 1;
    private static final int OP_INCRBY = 2;

    /** Marker for "error already replied" (compared by identity). */
    private static final byte[] ERROR = new byte[0];

    private BitCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("setbit", BitCommands::setbit);
        t.register("getbit", BitCommands::getbit);
        t.register("bitcount", BitCommands::bitcount);
        t.register("bitpos", BitCommands::bitpos);
        t.register("bitop", BitCommands::bitop);
        t.register("bitfield", (c, argv) -> bitfield(c, argv, false));
        t.register("bitfield_ro", (c, argv) -> bitfield(c, argv, true));
    }

    /**
     * Redis's getBitOffsetFromArgument: a non-negative bit offset whose byte is below proto-max-bulk-len (a master's
     * commands are exempt). With {@code bits > 0}, "#n" means n times {@code bits} (BITFIELD). -1 after the error.
     */
    private static long bitOffset(Client c, byte[] arg, int bits) {
        boolean hash = bits > 0 && arg.length > 0 && arg[0] == '#';
        Long parsed = Bytes.toLong(hash ? Arrays.copyOfRange(arg, 1, arg.length) : arg);
        if (parsed == null) {
            c.engine().error(c, BAD_OFFSET);
            return -1;
        }
        long offset = hash ? parsed * bits : parsed;
        if (offset < 0 || (c.type() != Client.Type.MASTER
                && (offset >> 3) >= c.engine().config().protoMaxBulkLen.value())) {
            c.engine().error(c, BAD_OFFSET);
            return -1;
        }
        return offset;
    }

    /** Reads a string for a command that only reads: null when absent, {@link #ERROR} after WRONGTYPE. */
    private static byte[] readString(Client c, byte[] key) {
        Object v = c.engine().lookupRead(c.db(), key);
        if (v == null || v instanceof byte[]) {
            return (byte[]) v;
        }
        c.engine().error(c, Args.WRONGTYPE);
        return ERROR;
    }

    /**
     * Redis's lookupStringForBitCommand: the string at key (empty if absent) zero-padded to reach bit {@code maxbit},
     * a copy unless it is a raw string that is long enough; {@link #ERROR} after WRONGTYPE. {@code grown[0]} tells
     * whether it was created or lengthened.
     */
    private static byte[] stringForBits(Client c, byte[] key, long maxbit, boolean[] grown) {
        Object v = c.db().get(key);
        if (v != null && !(v instanceof byte[])) {
            c.engine().error(c, Args.WRONGTYPE);
            return ERROR;
        }
        byte[] cur = (byte[]) v;
        int need = (int) (maxbit >> 3) + 1;
        grown[0] = cur == null || cur.length < need;
        // A raw string long enough is changed in place (see Values.isRaw).
        return !grown[0] && Values.isRaw(cur) ? cur : Values.raw(padded(cur, need));
    }

    /**
     * Redis's lookupStringForBitCommand unshares an existing string even when nothing changes: it is raw from
     * then on. Stores the raw {@code copy} (same content) in place of a value that was not raw yet.
     */
    private static void unshare(Client c, byte[] key, byte[] cur, byte[] copy) {
        if (!Values.isRaw(cur)) {
            c.db().entry(key).value(copy);
        }
    }

    /** A copy of {@code cur} (empty if null) zero-padded to at least {@code need} bytes. */
    private static byte[] padded(byte[] cur, int need) {
        return cur == null ? new byte[need] : Arrays.copyOf(cur, Math.max(cur.length, need));
    }

    /** SETBIT key offset value: replies the bit's previous value. */
    private static void setbit(Client c, byte[][] argv) {
        long offset = bitOffset(c, argv[2], 0);
        if (offset < 0) {
            return;
        }
        Long on = Bytes.toLong(argv[3]);
        if (on == null || (on & ~1L) != 0) {
            c.engine().error(c, BAD_BIT);
            return;
        }
        byte[] key = argv[1];
        Object v = c.db().get(key);
        if (v != null && !(v instanceof byte[])) {
            c.engine().error(c, Args.WRONGTYPE);
            return;
        }
        byte[] cur = (byte[]) v;
        int byteIndex = (int) (offset >> 3);
        int mask = 1 << (7 - (int) (offset & 7));
        boolean old = cur != null && byteIndex < cur.length && (cur[byteIndex] & mask) != 0;
        // Creating or lengthening the string is a change even when the bit keeps its value.
        if (cur != null && byteIndex < cur.length && Values.isRaw(cur)) {
            if (old != (on == 1)) {
                cur[byteIndex] ^= mask;
                changedInPlace(c, key, "setbit");
            }
        } else if (cur == null || byteIndex >= cur.length || old != (on == 1)) {
            byte[] value = Values.raw(padded(cur, byteIndex + 1));
            value[byteIndex] = (byte) (on == 1 ? value[byteIndex] | mask : value[byteIndex] & ~mask);
            changed(c, key, value, "setbit", 1);
        } else {
            unshare(c, key, cur, Values.raw(cur.clone()));
        }
        c.reply().integer(old ? 1 : 0);
    }

    /** Stores a changed string keeping its TTL, and signals, notifies and counts the change. */
    private static void changed(Client c, byte[] key, byte[] value, String event, int changes) {
        Database db = c.db();
        db.set(key, value, true);
        c.engine().keyspaceEvents().notify(KeyspaceEvents.STRING, event, key, db.id());
        c.engine().dirty(changes);
    }

    /** Signals, notifies and counts a change made in place to the raw string at key (see {@link Values#isRaw}). */
    static void changedInPlace(Client c, byte[] key, String event) {
        c.db().signalModified(key);
        c.engine().keyspaceEvents().notify(KeyspaceEvents.STRING, event, key, c.db().id());
        c.engine().dirty(1);
    }

    /** GETBIT key offset: bits past the end read as 0. */
    private static void getbit(Client c, byte[][] argv) {
        long offset = bitOffset(c, argv[2], 0);
        if (offset < 0) {
            return;
        }
        byte[] s = readString(c, argv[1]);
        if (s == ERROR) {
            return;
        }
        long byteIndex = offset >> 3;
        boolean set = s != null && byteIndex < s.length && (s[(int) byteIndex] & (1 << (7 - (offset & 7)))) != 0;
        c.reply().integer(set ? 1 : 0);
    }

    /** A range of whole bytes and, for BIT ranges, masks of the bits of its first and last byte left out. */
    private record Range(long start, long end, int firstMask, int lastMask) {}

    /**
     * Redis's conversion of a start/end range (negative from the end, clamped) into bytes; for BIT ranges it also
     * computes the masks of the edge bits outside the range.
     */
    private static Range range(long start, long end, long strlen, boolean isBit) {
        long totlen = isBit ? strlen << 3 : strlen;
        if (start < 0) {
            start = totlen + start;
        }
        if (end < 0) {
            end = totlen + end;
        }
        start = Math.max(start, 0);
        end = Math.max(end, 0);
        if (end >= totlen) {
            end = totlen - 1;
        }
        int firstMask = 0;
        int lastMask = 0;
        if (isBit && start <= end) {
            firstMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
            lastMask = (1 << (7 - (end & 7))) - 1;
            start >>= 3;
            end >>= 3;
        }
        return new Range(start, end, firstMask, lastMask);
    }

    /** Parses BYTE or BIT (any case); null after a syntax error. */
    private static Boolean unit(Client c, byte[] arg) {
        if (Bytes.eqIgnoreCase(arg, "bit")) {
            return true;
        }
        if (Bytes.eqIgnoreCase(arg, "byte")) {
            return false;
        }
        c.engine().error(c, Args.SYNTAX);
        return null;
    }

    /**
     * BITCOUNT key [start end [BYTE | BIT]]. As in Redis 7.0 the key is read first, so a missing key answers 0
     * whatever the arguments, and a reversed negative range answers 0 before the unit is checked.
     */
    private static void bitcount(Client c, byte[][] argv) {
        byte[] s = readString(c, argv[1]);
        if (s == ERROR) {
            return;
        }
        if (s == null) {
            c.reply().integer(0);
            return;
        }
        Range r;
        if (argv.length == 4 || argv.length == 5) {
            Long start = Bytes.toLong(argv[2]);
            Long end = start == null ? null : Bytes.toLong(argv[3]);
            if (end == null) {
                c.engine().error(c, Args.NOT_INTEGER);
                return;
            }
            if (start < 0 && end < 0 && start > end) {
                c.reply().integer(0);
                return;
            }
            Boolean isBit = argv.length == 5 ? unit(c, argv[4]) : Boolean.FALSE;
            if (isBit == null) {
                return;
            }
            r = range(start, end, s.length, isBit);
        } else if (argv.length == 2) {
            r = new Range(0, s.length - 1, 0, 0);
        } else {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        if (r.start() > r.end()) {
            c.reply().integer(0);
            return;
        }
        long count = bitCount(s, (int) r.start(), (int) r.end() + 1);
        count -= Integer.bitCount(s[(int) r.start()] & r.firstMask());
        count -= Integer.bitCount(s[(int) r.end()] & r.lastMask());
        c.reply().integer(count);
    }

    /**
     * Writes BITOP's result into {@code res} ({@code maxlen} bytes): the sources zero-padded to {@code maxlen} and
     * combined by {@code op}. The first two sources are combined in one pass, which reads both at each byte before
     * writing it, so {@code res} may be either of them; each further source then takes one simple loop per
     * operation over {@code res}, so it must not be one of those. Such loops the JIT compiles to vector instructions,
     * as Redis's word-at-a-time loops; a loop over bytes choosing the operation for each byte took three times
     * redis-server's CPU on 128 KB bitmaps.
     */
    private static void combine(int op, byte[][] src, int maxlen, byte[] res) {
        byte[] a = src[0];
        if (op == NOT) {
            for (int i = 0; i < maxlen; i++) {
                res[i] = (byte) ~a[i];
            }
            return;
        }
        int start = 1;
        if (src.length == 1) {
            System.arraycopy(a, 0, res, 0, a.length);
            Arrays.fill(res, a.length, maxlen, (byte) 0);
        } else {
            byte[] b = src[1];
            int n = Math.min(a.length, b.length);
            if (op == AND) {
                for (int i = 0; i < n; i++) {
                    res[i] = (byte) (a[i] & b[i]);
                }
                Arrays.fill(res, n, maxlen, (byte) 0);
            } else {
                if (op == OR) {
                    for (int i = 0; i < n; i++) {
                        res[i] = (byte) (a[i] | b[i]);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        res[i] = (byte) (a[i] ^ b[i]);
                    }
                }
                // Past the shorter one, OR and XOR with zero padding leave the longer one's bytes.
                byte[] longer = a.length >= b.length ? a : b;
                System.arraycopy(longer, n, res, n, longer.length - n);
                Arrays.fill(res, longer.length, maxlen, (byte) 0);
            }
            start = 2;
        }
        for (int j = start; j < src.length; j++) {
            byte[] s = src[j];
            int n = s.length;
            if (op == AND) {
                for (int i = 0; i < n; i++) {
                    res[i] &= s[i];
                }
                Arrays.fill(res, n, maxlen, (byte) 0);
            } else if (op == OR) {
                for (int i = 0; i < n; i++) {
                    res[i] |= s[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    res[i] ^= s[i];
                }
            }
        }
    }

    /**
     * The destination's own array when BITOP may write its result there: a raw string (so held by this key alone,
     * see {@link Values#isRaw}) of exactly the result's length that is none of the sources after the first two
     * (which {@link #combine} reads before writing each byte). Else null, and the result goes to a new array:
     * allocating and zeroing 128 KB per call cost more than the operation itself. Looked up without touching the
     * access clock (the store that follows does), but through the entry so that a running snapshot first takes its
     * copy.
     */
    private static byte[] reusable(Database db, byte[] target, byte[][] src, int maxlen) {
        Dict.Entry e = db.entry(target);
        if (e == null || !(e.value() instanceof byte[] d) || d.length != maxlen || !Values.isRaw(d)) {
            return null;
        }
        for (int j = 2; j < src.length; j++) {
            if (src[j] == d) {
                return null;
            }
        }
        return d;
    }

    /** The set bits of {@code s[from, to)}, eight bytes at a time (a POPCNT each), as Redis's redisPopcount. */
    private static long bitCount(byte[] s, int from, int to) {
        long count = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            count += Long.bitCount(Bytes.longLE(s, i));
        }
        for (; i < to; i++) {
            count += Integer.bitCount(s[i] & 0xff);
        }
        return count;
    }

    /**
     * Redis's redisBitpos over {@code count} bytes from {@code off}: the first bit equal to {@code bit}; for 0 bits
     * the string counts as zero-padded (count*8 when all are ones), for 1 bits -1 when there is none.
     */
    private static long firstBit(byte[] p, long off, long count, int bit) {
        int skip = bit == 1 ? 0 : 0xff;
        long skipWord = bit == 1 ? 0 : -1;
        long i = 0;
        // Eight bytes at a time across the run of bytes without the bit, as Redis's redisBitpos.
        while (i + 8 <= count && Bytes.longLE(p, (int) (off + i)) == skipWord) {
            i += 8;
        }
        for (; i < count; i++) {
            int b = p[(int) (off + i)] & 0xff;
            if (b != skip) {
                int ones = bit == 1 ? b : ~b & 0xff;
                return i * 8 + Integer.numberOfLeadingZeros(ones) - 24;
            }
        }
        return bit == 1 ? -1 : count * 8;
    }

    /**
     * BITPOS key bit [start [end [BYTE | BIT]]]. A missing key is all zeros. Without an explicit end a search for 0
     * may answer the first bit past the string (a string of ones); with one, the range is exact and -1 means none.
     */
    private static void bitpos(Client c, byte[][] argv) {
        Long bitArg = Bytes.toLong(argv[2]);
        if (bitArg == null) {
            c.engine().error(c, Args.NOT_INTEGER);
            return;
        }
        if (bitArg != 0 && bitArg != 1) {
            c.engine().error(c, "ERR The bit argument must be 1 or 0.");
            return;
        }
        int bit = (int) (long) bitArg;
        byte[] s = readString(c, argv[1]);
        if (s == ERROR) {
            return;
        }
        if (s == null) {
            c.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        boolean endGiven = false;
        Range r;
        if (argv.length >= 4 && argv.length <= 6) {
            Long start = Bytes.toLong(argv[3]);
            if (start == null) {
                c.engine().error(c, Args.NOT_INTEGER);
                return;
            }
            Boolean isBit = argv.length == 6 ? unit(c, argv[5]) : Boolean.FALSE;
            if (isBit == null) {
                return;
            }
            long end;
            if (argv.length >= 5) {
                Long e = Bytes.toLong(argv[4]);
                if (e == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return;
                }
                end = e;
                endGiven = true;
            } else {
                end = s.length - 1L;
            }
            r = range(start, end, s.length, isBit);
        } else if (argv.length == 3) {
            r = new Range(0, s.length - 1, 0, 0);
        } else {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        if (r.start() > r.end()) {
            c.reply().integer(-1);
            return;
        }
        // The edge bytes of a BIT range are searched on their own with the bits outside the range masked, as Redis
        // does; 'start' and 'bytes' follow the part searched last, which the result is relative to.
        long start = r.start();
        long end = r.end();
        long bytes = end - start + 1;
        long pos;
        search: {
            if (r.firstMask() != 0) {
                int tmp = masked(s[(int) start], r.firstMask(), bit);
                if (r.lastMask() != 0 && bytes == 1) {
                    tmp = masked(tmp, r.lastMask(), bit);
                }
                pos = firstBit(new byte[] {(byte) tmp}, 0, 1, bit);
                if (bytes == 1 || (pos != -1 && pos != 8)) {
                    break search;
                }
                start++;
                bytes--;
            }
            long curbytes = bytes - (r.lastMask() != 0 ? 1 : 0);
            if (curbytes > 0) {
                pos = firstBit(s, start, curbytes, bit);
                if (bytes == curbytes || (pos != -1 && pos != curbytes << 3)) {
                    break search;
                }
                start += curbytes;
                bytes -= curbytes;
            }
            pos = firstBit(new byte[] {(byte) masked(s[(int) end], r.lastMask(), bit)}, 0, 1, bit);
        }
        if (endGiven && bit == 0 && pos == bytes << 3) {
            c.reply().integer(-1);
            return;
        }
        if (pos != -1) {
            pos += start << 3;
        }
        c.reply().integer(pos);
    }

    /** A byte with the bits of {@code mask} made to not match {@code bit} (cleared for 1, set for 0). */
    private static int masked(int b, int mask, int bit) {
        return (bit == 1 ? b & ~mask : b | mask) & 0xff;
    }

    /** BITOP AND|OR|XOR|NOT destkey key [key ...]: missing keys are empty strings; an empty result deletes dest. */
    private static void bitop(Client c, byte[][] argv) {
        int op;
        if (Bytes.eqIgnoreCase(argv[1], "and")) {
            op = AND;
        } else if (Bytes.eqIgnoreCase(argv[1], "or")) {
            op = OR;
        } else if (Bytes.eqIgnoreCase(argv[1], "xor")) {
            op = XOR;
        } else if (Bytes.eqIgnoreCase(argv[1], "not")) {
            op = NOT;
        } else {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        if (op == NOT && argv.length != 4) {
            c.engine().error(c, "ERR BITOP NOT must be called with a single source key.");
            return;
        }
        int numkeys = argv.length - 3;
        byte[][] src = new byte[numkeys][];
        int maxlen = 0;
        for (int j = 0; j < numkeys; j++) {
            byte[] s = readString(c, argv[j + 3]);
            if (s == ERROR) {
                return;
            }
            src[j] = s == null ? Bytes.EMPTY : s;
            maxlen = Math.max(maxlen, src[j].length);
        }
        Database db = c.db();
        byte[] target = argv[2];
        if (maxlen > 0) {
            byte[] res = reusable(db, target, src, maxlen);
            boolean fresh = res == null;
            if (fresh) {
                res = new byte[maxlen];
            }
            combine(op, src, maxlen, res);
            db.set(target, fresh ? Values.raw(res) : res, false);
            c.engine().keyspaceEvents().notify(KeyspaceEvents.STRING, "set", target, db.id());
            c.engine().dirty(1);
        } else if (db.delete(target)) {
            db.signalModified(target);
            c.engine().keyspaceEvents().notify(KeyspaceEvents.GENERIC, "del", target, db.id());
            c.engine().dirty(1);
        }
        c.reply().integer(maxlen);
    }

    /** One parsed BITFIELD operation. */
    private record FieldOp(int opcode, long offset, long value, int overflow, int bits, boolean signed) {}

    /**
     * BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset value | INCRBY type offset incr ...]
     * and BITFIELD_RO (GET only). Every argument is checked before anything runs. A write pads the string up to its
     * highest written bit; when every write fails on OVERFLOW FAIL the padding stays but nothing is propagated, as in
     * Redis.
     */
    private static void bitfield(Client c, byte[][] argv, boolean readOnlyCommand) {
        List<FieldOp> ops = new ArrayList<>();
        int overflow = WRAP;
        boolean readonly = true;
        long highestWrite = 0;
        for (int j = 2; j < argv.length; j++) {
            int remargs = argv.length - j - 1;
            byte[] sub = argv[j];
            int opcode;
            if (Bytes.eqIgnoreCase(sub, "get") && remargs >= 2) {
                opcode = OP_GET;
            } else if (Bytes.eqIgnoreCase(sub, "set") && remargs >= 3) {
                opcode = OP_SET;
            } else if (Bytes.eqIgnoreCase(sub, "incrby") && remargs >= 3) {
                opcode = OP_INCRBY;
            } else if (Bytes.eqIgnoreCase(sub, "overflow") && remargs >= 1) {
                byte[] name = argv[++j];
                if (Bytes.eqIgnoreCase(name, "wrap")) {
                    overflow = WRAP;
                } else if (Bytes.eqIgnoreCase(name, "sat")) {
                    overflow = SAT;
                } else if (Bytes.eqIgnoreCase(name, "fail")) {
                    overflow = FAIL;
                } else {
                    c.engine().error(c, "ERR Invalid OVERFLOW type specified");
                    return;
                }
                continue;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
            int type = fieldType(argv[j + 1]);
            if (type == 0) {
                c.engine().error(c, BAD_TYPE);
                return;
            }
            boolean signed = type < 0;
            int bits = Math.abs(type);
            long offset = bitOffset(c, argv[j + 2], bits);
            if (offset < 0) {
                return;
            }
            long value = 0;
            if (opcode != OP_GET) {
                readonly = false;
                if (Long.compareUnsigned(highestWrite, offset + bits - 1) < 0) {
                    highestWrite = offset + bits - 1;
                }
                Long v = Bytes.toLong(argv[j + 3]);
                if (v == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return;
                }
                value = v;
            }
            ops.add(new FieldOp(opcode, offset, value, overflow, bits, signed));
            j += opcode == OP_GET ? 2 : 3;
        }
        byte[] key = argv[1];
        byte[] s;
        boolean[] grown = new boolean[1];
        if (readonly) {
            s = readString(c, key);
        } else if (readOnlyCommand) {
            c.engine().error(c, "ERR BITFIELD_RO only supports the GET subcommand");
            return;
        } else {
            s = stringForBits(c, key, highestWrite, grown);
        }
        if (s == ERROR) {
            return;
        }
        Reply r = c.reply();
        r.array(ops.size());
        int changes = 0;
        for (FieldOp op : ops) {
            if (op.opcode() == OP_GET) {
                long v = getField(s, op.offset(), op.bits());
                r.integer(op.signed() ? signExtend(v, op.bits()) : v);
                continue;
            }
            long[] result = op.signed() ? writeSigned(s, op) : writeUnsigned(s, op);
            if (result == null) {
                r.nullBulk();
                continue;
            }
            r.integer(result[0]);
            if (grown[0] || result[1] != 0) {
                changes++;
            }
        }
        Database db = c.db();
        if (readonly) {
            return;
        }
        if (changes > 0) {
            changed(c, key, s, "setbit", changes);
        } else if (!db.exists(key)) {
            db.add(key, s);
        } else if (grown[0]) {
            db.entry(key).value(s);
        } else {
            unshare(c, key, (byte[]) db.entry(key).value(), s);
        }
    }

    /**
     * Redis's getBitfieldTypeFromArgument: "i1".."i64" as a negative width, "u1".."u63" as a positive one, 0 when
     * invalid. The width is read up to the first NUL byte, as Redis reads it with strlen.
     */
    private static int fieldType(byte[] arg) {
        if (arg.length == 0 || (arg[0] != 'i' && arg[0] != 'u')) {
            return 0;
        }
        int nul = 1;
        while (nul < arg.length && arg[nul] != 0) {
            nul++;
        }
        Long bits = Bytes.toLong(Arrays.copyOfRange(arg, 1, nul));
        boolean signed = arg[0] == 'i';
        if (bits == null || bits < 1 || bits > (signed ? 64 : 63)) {
            return 0;
        }
        return signed ? -(int) (long) bits : (int) (long) bits;
    }

    /** The unsigned field of {@code bits} bits at bit {@code offset}, bits past the end reading as 0. */
    private static long getField(byte[] p, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++, offset++) {
            long byteIndex = offset >>> 3;
            int bit = p != null && byteIndex < p.length ? (p[(int) byteIndex] >> (7 - (int) (offset & 7))) & 1 : 0;
            value = (value << 1) | bit;
        }
        return value;
    }

    private static void setField(byte[] p, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++, offset++) {
            int byteIndex = (int) (offset >>> 3);
            int shift = 7 - (int) (offset & 7);
            long bitval = (value >>> (bits - 1 - j)) & 1;
            p[byteIndex] = (byte) ((p[byteIndex] & ~(1 << shift)) | (bitval << shift));
        }
    }

    private static long signExtend(long v, int bits) {
        return bits < 64 && (v & (1L << (bits - 1))) != 0 ? v | (-1L << bits) : v;
    }

    /**
     * SET or INCRBY of a signed field: {reply, changed} or null when OVERFLOW FAIL stops it. SET replies the old value,
     * INCRBY the new one.
     */
    private static long[] writeSigned(byte[] p, FieldOp op) {
        int bits = op.bits();
        long oldval = signExtend(getField(p, op.offset(), bits), bits);
        long newval;
        long reply;
        long[] wrapped = new long[1];
        int overflow;
        if (op.opcode() == OP_INCRBY) {
            overflow = signedOverflow(oldval, op.value(), bits, op.overflow(), wrapped);
            newval = overflow != 0 ? wrapped[0] : oldval + op.value();
            reply = newval;
        } else {
            newval = op.value();
            overflow = signedOverflow(newval, 0, bits, op.overflow(), wrapped);
            if (overflow != 0) {
                newval = wrapped[0];
            }
            reply = oldval;
        }
        if (overflow != 0 && op.overflow() == FAIL) {
            return null;
        }
        setField(p, op.offset(), bits, newval);
        return new long[] {reply, oldval != newval ? 1 : 0};
    }

    /** As {@link #writeSigned} for an unsigned field (values are uint64 held in longs). */
    private static long[] writeUnsigned(byte[] p, FieldOp op) {
        int bits = op.bits();
        long oldval = getField(p, op.offset(), bits);
        long newval;
        long reply;
        long[] wrapped = new long[1];
        int overflow;
        if (op.opcode() == OP_INCRBY) {
            newval = oldval + op.value();
            overflow = unsignedOverflow(oldval, op.value(), bits, op.overflow(), wrapped);
            if (overflow != 0) {
                newval = wrapped[0];
            }
            reply = newval;
        } else {
            newval = op.value();
            overflow = unsignedOverflow(newval, 0, bits, op.overflow(), wrapped);
            if (overflow != 0) {
                newval = wrapped[0];
            }
            reply = oldval;
        }
        if (overflow != 0 && op.overflow() == FAIL) {
            return null;
        }
        setField(p, op.offset(), bits, newval);
        return new long[] {reply, oldval != newval ? 1 : 0};
    }

    /**
     * Redis's checkUnsignedBitfieldOverflow: 1 on overflow, -1 on underflow, 0 if value+incr fits in {@code bits}
     * bits; on overflow {@code limit[0]} gets the WRAP or SAT result.
     */
    private static int unsignedOverflow(long value, long incr, int bits, int owtype, long[] limit) {
        long max = (1L << bits) - 1;
        long maxincr = max - value;
        long minincr = -value;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxincr)) {
            if (owtype == WRAP) {
                limit[0] = (value + incr) & max;
            } else if (owtype == SAT) {
                limit[0] = max;
            }
            return 1;
        } else if (incr < 0 && incr < minincr) {
            if (owtype == WRAP) {
                limit[0] = (value + incr) & max;
                return 1;
            } else if (owtype == SAT) {
                limit[0] = 0;
            }
            return -1;
        }
        return 0;
    }

    /** Redis's checkSignedBitfieldOverflow, with its wrapping arithmetic. */
    private static int signedOverflow(long value, long incr, int bits, int owtype, long[] limit) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxincr = max - value;
        long minincr = min - value;
        if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
            if (owtype == WRAP) {
                limit[0] = signedWrap(value, incr, bits);
            } else if (owtype == SAT) {
                limit[0] = max;
            }
            return 1;
        } else if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) {
            if (owtype == WRAP) {
                limit[0] = signedWrap(value, incr, bits);
                return 1;
            } else if (owtype == SAT) {
                limit[0] = min;
            }
            return -1;
        }
        return 0;
    }

    private static long signedWrap(long value, long incr, int bits) {
        long c = value + incr;
        if (bits < 64) {
            long mask = -1L << bits;
            c = (c & (1L << (bits - 1))) != 0 ? c | mask : c & ~mask;
        }
        return c;
    }
}
