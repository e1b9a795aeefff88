package io.jredis.server.scripting;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaUserdata;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * lua-cjson 2.1.0 as Redis ships it ({@code cjson.encode}, {@code cjson.decode}, {@code cjson.null} and the
 * configuration functions), with its error texts. Objects are written in Lua's table iteration order, which is
 * LuaJ's here.
 */
final class CjsonLib {
    private static final int MAX_DEPTH = 1000;
    /** cjson.null: a userdata holding NULL. */
    static final LuaUserdata NULL = new LuaUserdata(new Object());

    private CjsonLib() {}

    /** Settings of one cjson module instance (cjson.new makes independent ones). */
    private static final class Config {
        int sparseRatio = 2;
        int sparseSafe = 10;
        boolean sparseConvert;
        int encodeMaxDepth = MAX_DEPTH;
        int decodeMaxDepth = MAX_DEPTH;
        int precision = 14;
        boolean keepBuffer = true;
        int encodeInvalidNumbers;
        int decodeInvalidNumbers = 1;
    }

    private interface Fn {
        Varargs apply(Varargs args);
    }

    static LuaTable create() {
        Config cfg = new Config();
        ProtectedTable t = new ProtectedTable();
        add(t, "encode", a -> {
            if (a.narg() != 1) {
                throw LuaArgs.callerArgError(1, "expected 1 argument");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            encode(cfg, a.arg1(), out, 0);
            return LuaString.valueUsing(out.toByteArray());
        });
        add(t, "decode", a -> {
            if (a.narg() != 1) {
                throw LuaArgs.callerArgError(1, "expected 1 argument");
            }
            return new Decoder(cfg, LuaSandbox.bytes(LuaArgs.callerString(a, 1))).decode();
        });
        add(t, "encode_sparse_array", a -> {
            argCount(a, 3);
            cfg.sparseConvert = enumOption(a, 1, cfg.sparseConvert ? 1 : 0, ON_OFF) == 1;
            cfg.sparseRatio = integerOption(a, 2, cfg.sparseRatio, 0, Integer.MAX_VALUE);
            cfg.sparseSafe = integerOption(a, 3, cfg.sparseSafe, 0, Integer.MAX_VALUE);
            return LuaValue.varargsOf(LuaValue.valueOf(cfg.sparseConvert), LuaValue.valueOf(cfg.sparseRatio),
                    LuaValue.valueOf(cfg.sparseSafe));
        });
        add(t, "encode_max_depth", a -> {
            argCount(a, 1);
            cfg.encodeMaxDepth = integerOption(a, 1, cfg.encodeMaxDepth, 1, Integer.MAX_VALUE);
            return LuaValue.valueOf(cfg.encodeMaxDepth);
        });
        add(t, "decode_max_depth", a -> {
            argCount(a, 1);
            cfg.decodeMaxDepth = integerOption(a, 1, cfg.decodeMaxDepth, 1, Integer.MAX_VALUE);
            return LuaValue.valueOf(cfg.decodeMaxDepth);
        });
        add(t, "encode_number_precision", a -> {
            argCount(a, 1);
            cfg.precision = integerOption(a, 1, cfg.precision, 1, 14);
            return LuaValue.valueOf(cfg.precision);
        });
        add(t, "encode_keep_buffer", a -> {
            argCount(a, 1);
            cfg.keepBuffer = enumOption(a, 1, cfg.keepBuffer ? 1 : 0, ON_OFF) == 1;
            return enumValue(cfg.keepBuffer ? 1 : 0, ON_OFF);
        });
        add(t, "encode_invalid_numbers", a -> {
            argCount(a, 1);
            cfg.encodeInvalidNumbers = enumOption(a, 1, cfg.encodeInvalidNumbers, INVALID);
            return enumValue(cfg.encodeInvalidNumbers, INVALID);
        });
        add(t, "decode_invalid_numbers", a -> {
            argCount(a, 1);
            cfg.decodeInvalidNumbers = enumOption(a, 1, cfg.decodeInvalidNumbers, ON_OFF);
            return enumValue(cfg.decodeInvalidNumbers, ON_OFF);
        });
        add(t, "new", a -> create());
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    private static final String[] ON_OFF = {"off", "on"};
    private static final String[] INVALID = {"off", "on", "null"};

    /** lua-cjson's json_enum_option: the new setting, from a boolean or an option's name (luaL_checkoption). */
    /** json_arg_init: more arguments than the option takes is an error on the first extra one. */
    private static void argCount(Varargs a, int max) {
        if (a.narg() > max) {
            throw LuaArgs.callerArgError(max + 1, "found too many arguments");
        }
    }

    /**
     * json_integer_option: luaL_checkinteger's value truncated to a C int, and a range error that always names
     * argument #1 whichever argument is out of range.
     */
    private static int integerOption(Varargs a, int index, int current, int min, int max) {
        if (a.arg(index).isnil()) {
            return current;
        }
        int value = (int) (long) LuaArgs.callerNumber(a, index);
        if (value < min || value > max) {
            throw LuaArgs.callerArgError(1, "expected integer between " + min + " and " + max);
        }
        return value;
    }

    /** json_enum_option: a boolean, or one of the option names (luaL_checkoption). */
    private static int enumOption(Varargs a, int index, int current, String[] options) {
        if (a.arg(index).isnil()) {
            return current;
        }
        if (a.arg(index).isboolean()) {
            return a.arg(index).toboolean() ? 1 : 0;
        }
        String name = LuaArgs.callerString(a, index).tojstring();
        for (int i = 0; i < options.length; i++) {
            if (options[i].equals(name)) {
                return i;
            }
        }
        throw LuaArgs.callerArgError(index, "invalid option '" + name + "'");
    }

    /** The value json_enum_option returns: a boolean for off/on, the option's name otherwise. */
    private static LuaValue enumValue(int setting, String[] options) {
        return setting <= 1 ? LuaValue.valueOf(setting == 1) : LuaValue.valueOf(options[setting]);
    }

    private static void add(LuaTable t, String name, Fn fn) {
        t.rawset(name, new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return fn.apply(args);
            }
        });
    }

    // ---- encode ----

    private static LuaError encodeError(LuaValue v, String reason) {
        return new LuaError("Cannot serialise " + v.typename() + ": " + reason);
    }

    private static void encode(Config cfg, LuaValue v, ByteArrayOutputStream out, int depth) {
        switch (v.type()) {
            case LuaValue.TSTRING -> string(v.checkstring(), out);
            case LuaValue.TNUMBER -> number(cfg, v, out);
            case LuaValue.TBOOLEAN -> ascii(out, v.toboolean() ? "true" : "false");
            case LuaValue.TNIL -> ascii(out, "null");
            case LuaValue.TTABLE -> {
                depth++;
                if (depth > cfg.encodeMaxDepth) {
                    throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
                }
                LuaTable t = (LuaTable) v;
                int len = arrayLength(cfg, t);
                if (len > 0) {
                    out.write('[');
                    for (int i = 1; i <= len; i++) {
                        if (i > 1) {
                            out.write(',');
                        }
                        encode(cfg, t.rawget(i), out, depth);
                    }
                    out.write(']');
                } else {
                    object(cfg, t, out, depth);
                }
            }
            case LuaValue.TUSERDATA, LuaValue.TLIGHTUSERDATA -> {
                if (v == NULL || v.touserdata() == null) {
                    ascii(out, "null");
                } else {
                    throw encodeError(v, "type not supported");
                }
            }
            default -> throw encodeError(v, "type not supported");
        }
    }

    /** lua_array_length: the array size when every key is a positive integer, 0 for an object, or an error. */
    private static int arrayLength(Config cfg, LuaTable t) {
        int max = 0;
        int items = 0;
        LuaValue k = LuaValue.NIL;
        while (!(k = t.next(k).arg1()).isnil()) {
            if (k.type() == LuaValue.TNUMBER) {
                double d = k.todouble();
                if (d == Math.floor(d) && d >= 1) {
                    if (d > max) {
                        // lua_cjson's int max = k: x86's conversion makes a key of 2^31 or more INT_MIN, so such
                        // a table is an object unless a later key (in next's order) raises max again.
                        max = d < 0x1p31 ? (int) d : Integer.MIN_VALUE;
                    }
                    items++;
                    continue;
                }
            }
            return -1;
        }
        if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
            if (!cfg.sparseConvert) {
                throw encodeError(t, "excessively sparse array");
            }
            return -1;
        }
        return max;
    }

    private static void object(Config cfg, LuaTable t, ByteArrayOutputStream out, int depth) {
        out.write('{');
        boolean first = true;
        LuaValue k = LuaValue.NIL;
        Varargs n;
        while (!(k = (n = t.next(k)).arg1()).isnil()) {
            if (!first) {
                out.write(',');
            }
            first = false;
            if (k.type() == LuaValue.TSTRING) {
                string(k.checkstring(), out);
            } else if (k.type() == LuaValue.TNUMBER) {
                // json_append_number, as for values: an infinite key follows encode_invalid_numbers too.
                out.write('"');
                number(cfg, k, out);
                out.write('"');
            } else {
                throw encodeError(k, "table key must be a number or string");
            }
            out.write(':');
            encode(cfg, n.arg(2), out, depth);
        }
        out.write('}');
    }

    private static void number(Config cfg, LuaValue v, ByteArrayOutputStream out) {
        double d = v.todouble();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            if (cfg.encodeInvalidNumbers == 0) {
                throw encodeError(v, "must not be NaN or Inf");
            }
            ascii(out, cfg.encodeInvalidNumbers == 2 ? "null" : Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
            return;
        }
        ascii(out, LuaFormat.g(d, cfg.precision, false, false));
    }

    private static void string(LuaString s, ByteArrayOutputStream out) {
        out.write('"');
        for (int i = 0; i < s.length(); i++) {
            int c = s.luaByte(i);
            switch (c) {
                case '"' -> ascii(out, "\\\"");
                case '\\' -> ascii(out, "\\\\");
                case '/' -> ascii(out, "\\/");
                case '\b' -> ascii(out, "\\b");
                case '\f' -> ascii(out, "\\f");
                case '\n' -> ascii(out, "\\n");
                case '\r' -> ascii(out, "\\r");
                case '\t' -> ascii(out, "\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        ascii(out, String.format("\\u%04x", c));
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        out.write('"');
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        out.write(b, 0, b.length);
    }

    // ---- decode ----

    private enum T {
        T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END, T_STRING, T_NUMBER, T_BOOLEAN, T_NULL, T_COLON, T_COMMA,
        T_END, T_WHITESPACE, T_ERROR, T_UNKNOWN
    }

    /** lua-cjson's tokenizer and recursive descent parser, with its error texts. */
    private static final class Decoder {
        private final Config cfg;
        private final byte[] s;
        private int pos;
        private int depth;
        private T type;
        private int index;
        private LuaValue value;
        private String error;

        Decoder(Config cfg, byte[] s) {
            this.cfg = cfg;
            this.s = s;
        }

        LuaValue decode() {
            // lua-cjson refuses UTF-16/32 by looking for zero bytes in the first two positions.
            if (s.length >= 2 && (s[0] == 0 || s[1] == 0)) {
                throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
            }
            next();
            LuaValue v = value();
            next();
            if (type != T.T_END) {
                throw parseError("the end");
            }
            return v;
        }

        private LuaError parseError(String expected) {
            String found = type == T.T_ERROR ? error : type.name();
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (index + 1));
        }

        private LuaValue value() {
            switch (type) {
                case T_STRING, T_NUMBER, T_BOOLEAN:
                    return value;
                case T_NULL:
                    return NULL;
                case T_OBJ_BEGIN:
                    return object();
                case T_ARR_BEGIN:
                    return array();
                default:
                    throw parseError("value");
            }
        }

        private void descend() {
            depth++;
            if (depth > cfg.decodeMaxDepth) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character "
                        + (index + 1));
            }
        }

        private LuaValue object() {
            descend();
            LuaTable t = new Lua51Table();
            next();
            if (type == T.T_OBJ_END) {
                depth--;
                return t;
            }
            while (true) {
                if (type != T.T_STRING) {
                    throw parseError("object key string");
                }
                LuaValue key = value;
                next();
                if (type != T.T_COLON) {
                    throw parseError("colon");
                }
                next();
                t.rawset(key, value());
                next();
                if (type == T.T_OBJ_END) {
                    depth--;
                    return t;
                }
                if (type != T.T_COMMA) {
                    throw parseError("comma or object end");
                }
                next();
            }
        }

        private LuaValue array() {
            descend();
            LuaTable t = new Lua51Table();
            next();
            if (type == T.T_ARR_END) {
                depth--;
                return t;
            }
            for (int i = 1; ; i++) {
                t.rawset(i, value());
                next();
                if (type == T.T_ARR_END) {
                    depth--;
                    return t;
                }
                if (type != T.T_COMMA) {
                    throw parseError("comma or array end");
                }
                next();
            }
        }

        private void next() {
            while (pos < s.length && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) {
                pos++;
            }
            index = pos;
            if (pos >= s.length) {
                type = T.T_END;
                return;
            }
            byte c = s[pos];
            switch (c) {
                case '{' -> single(T.T_OBJ_BEGIN);
                case '}' -> single(T.T_OBJ_END);
                case '[' -> single(T.T_ARR_BEGIN);
                case ']' -> single(T.T_ARR_END);
                case ':' -> single(T.T_COLON);
                case ',' -> single(T.T_COMMA);
                case '"' -> string();
                default -> {
                    // json_next_token's T_UNKNOWN characters: '-' and digits are numbers unless strict decoding
                    // refuses them; other invalid numbers ('+', inf, nan) are read only when allowed.
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        if (cfg.decodeInvalidNumbers == 0 && invalidNumber()) {
                            tokenError("invalid number");
                        } else {
                            number();
                        }
                    } else if (startsWithWord("true")) {
                        pos += 4;
                        type = T.T_BOOLEAN;
                        value = LuaValue.TRUE;
                    } else if (startsWithWord("false")) {
                        pos += 5;
                        type = T.T_BOOLEAN;
                        value = LuaValue.FALSE;
                    } else if (startsWithWord("null")) {
                        pos += 4;
                        type = T.T_NULL;
                    } else if (cfg.decodeInvalidNumbers != 0 && invalidNumber()) {
                        number();
                    } else {
                        tokenError("invalid token");
                    }
                }
            }
        }

        /** json_is_invalid_number: what strtod reads but strict JSON refuses (+, hex, leading zeros, inf, nan). */
        private boolean invalidNumber() {
            int p = pos;
            if (s[p] == '+') {
                return true;
            }
            if (s[p] == '-') {
                p++;
            }
            int c = p < s.length ? s[p] : 0;
            if (c == '0') {
                int c2 = p + 1 < s.length ? s[p + 1] : 0;
                return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
            }
            if (c <= '9') {
                return false;
            }
            int save = pos;
            pos = p;
            boolean word = startsWithWord("inf") || startsWithWord("nan");
            pos = save;
            return word;
        }

        private boolean startsWithWord(String w) {
            if (pos + w.length() > s.length) {
                return false;
            }
            boolean nocase = w.equals("inf") || w.equals("nan");
            for (int i = 0; i < w.length(); i++) {
                int c = nocase ? Character.toLowerCase(s[pos + i]) : s[pos + i];
                if (c != w.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private void single(T t) {
            type = t;
            pos++;
        }

        private void tokenError(String msg) {
            type = T.T_ERROR;
            error = msg;
        }

        /** json_next_number_token: as much as strtod reads; the rest is the next token. */
        private void number() {
            // strtod reads nothing beyond a run of these characters (signs, digits, letters, '.', "nan(...)").
            int runEnd = pos;
            while (runEnd < s.length && (Character.isLetterOrDigit(s[runEnd] & 0x7f) && s[runEnd] >= 0
                    || "+-._()".indexOf(s[runEnd]) >= 0)) {
                runEnd++;
            }
            String rest = new String(s, pos, runEnd - pos, StandardCharsets.ISO_8859_1);
            int[] end = new int[1];
            double d = LuaNumbers.strtod(rest, end);
            if (end[0] == 0) {
                tokenError("invalid number");
                return;
            }
            pos += end[0];
            type = T.T_NUMBER;
            value = LuaNumbers.number(d);
        }

        private void string() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int p = pos + 1;
            while (true) {
                if (p >= s.length) {
                    index = p;
                    tokenError("unexpected end of string");
                    return;
                }
                byte c = s[p];
                if (c == '"') {
                    break;
                }
                if (c != '\\') {
                    out.write(c);
                    p++;
                    continue;
                }
                if (p + 1 >= s.length) {
                    index = p + 1;
                    tokenError("unexpected end of string");
                    return;
                }
                byte e = s[p + 1];
                switch (e) {
                    case '"', '\\', '/' -> out.write(e);
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'u' -> {
                        int consumed = unicode(p, out);
                        if (consumed < 0) {
                            index = p;
                            tokenError("invalid unicode escape code");
                            return;
                        }
                        p += consumed;
                        continue;
                    }
                    default -> {
                        index = p;
                        tokenError("invalid escape code");
                        return;
                    }
                }
                p += 2;
            }
            pos = p + 1;
            type = T.T_STRING;
            value = LuaString.valueUsing(out.toByteArray());
        }

        /** Decodes a {@code \\uXXXX} escape (with its surrogate pair) to UTF-8; returns bytes consumed or -1. */
        private int unicode(int p, ByteArrayOutputStream out) {
            int cp = hex4(p + 2);
            if (cp < 0) {
                return -1;
            }
            int consumed = 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (p + 12 > s.length || s[p + 6] != '\\' || s[p + 7] != 'u') {
                    return -1;
                }
                int low = hex4(p + 8);
                if (low < 0xDC00 || low > 0xDFFF) {
                    return -1;
                }
                cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
                consumed = 12;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return -1;
            }
            byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            out.write(utf8, 0, utf8.length);
            return consumed;
        }

        private int hex4(int p) {
            if (p + 4 > s.length) {
                return -1;
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s[p + i], 16);
                if (d < 0) {
                    return -1;
                }
                v = v * 16 + d;
            }
            return v;
        }
    }
}
