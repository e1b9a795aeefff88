package io.jredis.server.scripting;

import io.jredis.server.Client;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Doubles;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The conversions between Redis replies and Lua values, as Redis 7.0's script_lua.c does them: a command's reply
 * (RESP2 or RESP3, as the script chose with {@code redis.setresp}) becomes a Lua value, and the value a script
 * returns becomes the reply to its caller in the caller's protocol.
 */
final class LuaReplies {
    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString OK = LuaString.valueOf("ok");
    static final LuaString DOUBLE = LuaString.valueOf("double");
    static final LuaString MAP = LuaString.valueOf("map");
    static final LuaString SET = LuaString.valueOf("set");
    static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    static final LuaString FORMAT = LuaString.valueOf("format");
    static final LuaString STRING = LuaString.valueOf("string");
    static final LuaString IGNORE_STATS = LuaString.valueOf("ignore_error_stats_update");
    static final LuaString SOURCE = LuaString.valueOf("source");
    static final LuaString LINE = LuaString.valueOf("line");

    private LuaReplies() {}

    // ---- reply -> Lua ----

    /** Parses one complete reply written by a command into its Lua value (Redis's redisProtocolToLuaType). */
    static LuaValue toLua(ByteBuf in) {
        byte type = in.readByte();
        switch (type) {
            case '+': {
                LuaTable t = new Lua51Table();
                t.rawset(OK, line(in));
                return t;
            }
            case '-': {
                // The command already counted its error: the script's error reply must not count it again.
                LuaTable t = errorTable(line(in).tojstring(), true);
                t.rawset(IGNORE_STATS, LuaValue.TRUE);
                return t;
            }
            case ':':
                return LuaValue.valueOf((double) number(in));
            case '$': {
                int n = (int) number(in);
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                byte[] b = new byte[n];
                in.readBytes(b);
                in.skipBytes(2);
                return LuaString.valueUsing(b);
            }
            case '*': {
                int n = (int) number(in);
                if (n < 0) {
                    return LuaValue.FALSE;
                }
                LuaTable t = new Lua51Table();
                for (int i = 1; i <= n; i++) {
                    // lua_settable: a RESP3 null takes a node as a nil value, as in Redis.
                    t.rawset(i, toLua(in));
                }
                return t;
            }
            case '%': {
                int n = (int) number(in);
                LuaTable m = new Lua51Table();
                for (int i = 0; i < n; i++) {
                    LuaValue k = toLua(in);
                    LuaValue v = toLua(in);
                    if (!k.isnil()) {
                        m.rawset(k, v);
                    }
                }
                LuaTable t = new Lua51Table();
                t.rawset(MAP, m);
                return t;
            }
            case '~': {
                int n = (int) number(in);
                LuaTable s = new Lua51Table();
                for (int i = 0; i < n; i++) {
                    LuaValue k = toLua(in);
                    if (!k.isnil()) {
                        s.rawset(k, LuaValue.TRUE);
                    }
                }
                LuaTable t = new Lua51Table();
                t.rawset(SET, s);
                return t;
            }
            case '_':
                in.skipBytes(2);
                return LuaValue.NIL;
            case '#': {
                boolean v = in.readByte() == 't';
                in.skipBytes(2);
                return LuaValue.valueOf(v);
            }
            case ',': {
                LuaTable t = new Lua51Table();
                t.rawset(DOUBLE, LuaValue.valueOf(parseDouble(line(in).tojstring())));
                return t;
            }
            case '(': {
                LuaTable t = new Lua51Table();
                t.rawset(BIG_NUMBER, line(in));
                return t;
            }
            case '=': {
                int n = (int) number(in);
                byte[] b = new byte[n];
                in.readBytes(b);
                in.skipBytes(2);
                LuaTable v = new Lua51Table();
                v.rawset(STRING, LuaString.valueUsing(java.util.Arrays.copyOfRange(b, 4, n)));
                v.rawset(FORMAT, LuaString.valueUsing(java.util.Arrays.copyOfRange(b, 0, 3)));
                LuaTable t = new Lua51Table();
                t.rawset(VERBATIM, v);
                return t;
            }
            case '|': {
                // Attributes are not exposed to scripts: skip them and convert the reply they precede.
                int n = (int) number(in);
                for (int i = 0; i < 2 * n; i++) {
                    toLua(in);
                }
                return toLua(in);
            }
            case '>': {
                int n = (int) number(in);
                LuaTable t = new Lua51Table();
                for (int i = 1; i <= n; i++) {
                    t.rawset(i, toLua(in));
                }
                return t;
            }
            default:
                throw new IllegalStateException("unexpected reply type " + (char) type);
        }
    }

    private static double parseDouble(String s) {
        return switch (s) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }

    /** The number a reply line holds, read in place: integer replies and lengths are the bulk of what scripts see. */
    private static long number(ByteBuf in) {
        boolean negative = in.getByte(in.readerIndex()) == '-';
        if (negative) {
            in.skipBytes(1);
        }
        long v = 0;
        for (byte b = in.readByte(); b != '\r'; b = in.readByte()) {
            v = v * 10 - (b - '0');
        }
        in.skipBytes(1);
        return negative ? v : -v;
    }

    private static LuaString line(ByteBuf in) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
        byte[] b = new byte[eol - in.readerIndex()];
        in.readBytes(b);
        in.skipBytes(2);
        return LuaString.valueUsing(b);
    }

    /**
     * Redis's luaPushErrorBuff: an error table {@code {err="CODE message"}}. A leading '-' marks a message that
     * starts with its own code; any other message gets the generic ERR code. Trailing CR/LF are trimmed.
     */
    static LuaTable errorTable(String error, boolean hasCode) {
        String code;
        String msg;
        if (hasCode || error.startsWith("-")) {
            String e = error.startsWith("-") ? error.substring(1) : error;
            int sp = e.indexOf(' ');
            if (sp < 0) {
                code = "ERR";
                msg = e;
            } else {
                code = e.substring(0, sp);
                msg = e.substring(sp + 1);
            }
        } else {
            code = "ERR";
            msg = error;
        }
        int start = 0;
        int end = msg.length();
        while (start < end && (msg.charAt(start) == '\r' || msg.charAt(start) == '\n')) {
            start++;
        }
        while (end > start && (msg.charAt(end - 1) == '\r' || msg.charAt(end - 1) == '\n')) {
            end--;
        }
        LuaTable t = new Lua51Table();
        t.rawset(ERR, LuaString.valueOf(code + " " + msg.substring(start, end)));
        return t;
    }

    // ---- Lua -> reply ----

    /**
     * Writes a script's result to its caller (Redis's luaReplyToRedisReply). {@code scriptResp} is the protocol the
     * script selected: under RESP2 booleans read as 1 and null, under RESP3 as booleans. Error tables count for
     * INFO errorstats unless they carry a command's error that was counted already.
     */
    static void toReply(Client c, LuaValue v, int scriptResp) {
        // Nested tables are converted with an explicit stack: a table containing itself nests thousands deep.
        java.util.ArrayDeque<Pending> todo = new java.util.ArrayDeque<>();
        todo.push(new Pending(v, 1));
        while (!todo.isEmpty()) {
            Pending p = todo.pop();
            toReply(c, p.value(), scriptResp, p.slot(), todo);
        }
    }

    /** A value still to be written and the Lua stack slot Redis would convert it in. */
    private record Pending(LuaValue value, int slot) {}

    /**
     * Redis converts with the Lua stack, which holds at most {@value #STACK_LIMIT} values: a value nested deeper
     * (a table that contains itself) becomes an error where it sits, inside the arrays already written. {@code slot}
     * is the stack slot the value would take: an array's elements take one more than the array, a map's values
     * three more and its keys four (the map table, the key, the value and the key's copy), a set's members three.
     */
    private static void toReply(Client c, LuaValue v, int scriptResp, int slot, java.util.Deque<Pending> todo) {
        if (slot > STACK_LIMIT) {
            c.engine().error(c, "ERR reached lua stack limit");
            return;
        }
        Reply out = c.reply();
        switch (v.type()) {
            case LuaValue.TSTRING -> {
                LuaString s = v.checkstring();
                out.bulk(s.m_bytes, s.m_offset, s.m_length);
            }
            case LuaValue.TBOOLEAN -> {
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        out.integer(1);
                    } else {
                        out.nullBulk();
                    }
                } else {
                    out.bool(v.toboolean());
                }
            }
            case LuaValue.TNUMBER -> out.integer(toLong(v.todouble()));
            case LuaValue.TTABLE -> tableReply(c, (LuaTable) v, slot, todo);
            default -> out.nullBulk();
        }
    }

    /** C's (long long) cast of a double as x86-64 performs it: out-of-range and NaN give LLONG_MIN. */
    static long toLong(double d) {
        if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** The deepest Lua stack slot a script's reply may use before Redis's "reached lua stack limit". */
    private static final int STACK_LIMIT = 7995;

    /** Writes a table's reply, or the header of an aggregate whose elements it queues on {@code todo}, in order. */
    private static void tableReply(Client c, LuaTable t, int slot, java.util.Deque<Pending> todo) {
        Reply out = c.reply();
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            if (t.rawget(IGNORE_STATS).toboolean()) {
                c.engine().errorCounted(c, err.tojstring());
            } else {
                c.engine().error(c, err.tojstring());
            }
            return;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            out.simple(ok.tojstring());
            return;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            double d = dbl.todouble();
            if (!Double.isNaN(d)) {
                out.dbl(d);
            } else if (out.resp3()) {
                out.raw(("," + LuaFormat.nan(d) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            } else {
                out.bulk(LuaFormat.nan(d));
            }
            return;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            out.bigNumber(big.tojstring().replace('\r', ' ').replace('\n', ' '));
            return;
        }
        LuaValue verb = t.rawget(VERBATIM);
        if (verb.type() == LuaValue.TTABLE) {
            LuaValue format = verb.rawget(FORMAT);
            LuaValue string = verb.rawget(STRING);
            if (format.type() == LuaValue.TSTRING && string.type() == LuaValue.TSTRING) {
                verbatim(out, string.checkstring(), format.checkstring());
                return;
            }
        }
        LuaValue map = t.rawget(MAP);
        if (map.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) map;
            out.map(count(m));
            java.util.List<Pending> elements = new java.util.ArrayList<>();
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = m.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                elements.add(new Pending(k, slot + 4));
                elements.add(new Pending(n.arg(2), slot + 3));
            }
            queue(elements, todo);
            return;
        }
        LuaValue set = t.rawget(SET);
        if (set.type() == LuaValue.TTABLE) {
            LuaTable s = (LuaTable) set;
            out.set(count(s));
            java.util.List<Pending> elements = new java.util.ArrayList<>();
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = s.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                elements.add(new Pending(k, slot + 3));
            }
            queue(elements, todo);
            return;
        }
        int len = 0;
        while (!t.rawget(len + 1).isnil()) {
            len++;
        }
        out.array(len);
        for (int i = len; i >= 1; i--) {
            todo.push(new Pending(t.rawget(i), slot + 1));
        }
    }

    /** Queues {@code elements} so that the first is written next. */
    private static void queue(java.util.List<Pending> elements, java.util.Deque<Pending> todo) {
        for (int i = elements.size() - 1; i >= 0; i--) {
            todo.push(elements.get(i));
        }
    }

    private static int count(LuaTable t) {
        int n = 0;
        LuaValue k = LuaValue.NIL;
        while (true) {
            k = t.next(k).arg1();
            if (k.isnil()) {
                return n;
            }
            n++;
        }
    }

    /** RESP3 verbatim string with the script's format (only the first three bytes count); a bulk string in RESP2. */
    private static void verbatim(Reply out, LuaString text, LuaString format) {
        if (!out.resp3()) {
            out.bulk(text.m_bytes, text.m_offset, text.m_length);
            return;
        }
        byte[] head = ("=" + (text.m_length + 4) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] encoded = new byte[head.length + 4 + text.m_length + 2];
        System.arraycopy(head, 0, encoded, 0, head.length);
        for (int i = 0; i < 3; i++) {
            encoded[head.length + i] = i < format.m_length ? format.m_bytes[format.m_offset + i] : (byte) ' ';
        }
        encoded[head.length + 3] = ':';
        System.arraycopy(text.m_bytes, text.m_offset, encoded, head.length + 4, text.m_length);
        encoded[encoded.length - 2] = '\r';
        encoded[encoded.length - 1] = '\n';
        out.raw(encoded);
    }

    /** A number passed to redis.call: Redis formats it with {@code %.17g} (lua_tolstring would lose precision). */
    static byte[] argument(double d) {
        return (Double.isNaN(d) ? LuaFormat.nan(d) : Doubles.g17(d)).getBytes(StandardCharsets.US_ASCII);
    }
}
