package org.luaj.vm2.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaDouble;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * LuaJ's compiler with the syntax and error texts of Lua 5.1, the Lua Redis embeds: LuaJ drops the offending token
 * ("near 'x'") from its messages and reports a bare expression statement as "syntax error" where Lua 5.1 says
 * "'=' expected". LuaJ's lexer and parser are Lua 5.2's, so some 5.2 additions are taken back out: a first line
 * starting with '#' is code, control characters other than whitespace are symbols, numerals are read and checked
 * as 5.1 reads them, strings know no {@code \x} or {@code \z} escape, {@code goto} is a name,
 * {@code ::} is two colons, and a lone ';' or a statement after {@code return} or {@code break} is an error. It
 * lives in LuaJ's package because the lexer's hooks are package-private; the token fields, whose classes are
 * private, are reached through VarHandles. Constant folding keeps a negative zero ({@code -0}, {@code 0 * -1}) as
 * Lua 5.1's doubles do, where LuaJ makes every whole number an integer.
 */
public final class Lua51Compiler implements Globals.Compiler {
    /** The shared, stateless instance to install as {@code globals.compiler}. */
    public static final Lua51Compiler INSTANCE = new Lua51Compiler();

    /**
     * -0.0 as a Lua number. {@link LuaDouble#valueOf(double)} turns it into the integer 0, so the one instance is made
     * with LuaDouble's private constructor. Arithmetic on it is LuaJ's again (its results lose the sign), but text
     * conversions that read {@code todouble()} (tostring, concatenation, replies, cjson) see the sign.
     */
    public static final LuaValue NEGATIVE_ZERO;

    static {
        try {
            NEGATIVE_ZERO = (LuaValue) MethodHandles.privateLookupIn(LuaDouble.class, MethodHandles.lookup())
                    .findConstructor(LuaDouble.class, MethodType.methodType(void.class, double.class))
                    .invoke(-0.0);
        } catch (Throwable e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Lua51Compiler() {}

    @Override
    public Prototype compile(InputStream stream, String chunkname) throws IOException {
        // LuaC.CompileState.luaY_parser with our lexer.
        LuaC.CompileState state = new LuaC.CompileState();
        Lua51LexState lex = new Lua51LexState(state, stream);
        FuncState fs = new Lua51FuncState();
        lex.fs = fs;
        // A blank first character keeps LuaJ from skipping a first line that starts with '#' (luaL_loadbuffer does
        // not skip it), then the real one takes its place.
        lex.setinput(state, ' ', stream, (LuaString) LuaValue.valueOf(chunkname));
        lex.current = Lua51LexState.symbol(stream.read());
        fs.f = new Prototype();
        fs.f.source = (LuaString) LuaValue.valueOf(chunkname);
        try {
            lex.mainfunc(fs);
        } catch (NumberFormatException e) {
            // LuaJ's numeral reader leaves what Java cannot parse ("1e", "1..2") to Double.parseDouble; the text is
            // still in the buffer.
            lex.malformedNumeral();
        }
        return fs.f;
    }

    /** LuaJ's function state with Lua 5.1's folding and constants for zeros. */
    private static final class Lua51FuncState extends FuncState {
        /** The constant index of the function's first zero, -1 before it has one. */
        private int zeroK = -1;

        @Override
        boolean constfolding(int op, LexState.expdesc e1, LexState.expdesc e2) {
            double v1 = e1.isnumeral() ? e1.u.nval().todouble() : 0;
            double v2 = e2.isnumeral() ? e2.u.nval().todouble() : 0;
            if (!super.constfolding(op, e1, e2)) {
                return false;
            }
            // lcode.c's constfolding computes in doubles; only a negative zero differs from LuaJ's integer result.
            double r = switch (op) {
                case Lua.OP_ADD -> v1 + v2;
                case Lua.OP_SUB -> v1 - v2;
                case Lua.OP_MUL -> v1 * v2;
                case Lua.OP_DIV -> v1 / v2;
                case Lua.OP_MOD -> v1 - Math.floor(v1 / v2) * v2;
                case Lua.OP_POW -> Math.pow(v1, v2);
                case Lua.OP_UNM -> -v1;
                default -> 1;
            };
            if (Double.doubleToRawLongBits(r) == Long.MIN_VALUE) {
                e1.u.setNval(NEGATIVE_ZERO);
            }
            return true;
        }

        @Override
        void prefix(int op, LexState.expdesc e, int line) {
            // luaK_prefix folds a numeral's minus through constfolding, which keeps -0 a double.
            if (op == LexState.OPR_MINUS && e.isnumeral() && e.u.nval().todouble() == 0) {
                e.u.setNval(Double.doubleToRawLongBits(e.u.nval().todouble()) == 0 ? NEGATIVE_ZERO : LuaValue.ZERO);
                return;
            }
            super.prefix(op, e, line);
        }

        @Override
        int numberK(LuaValue r) {
            if (r.todouble() != 0) {
                return super.numberK(r);
            }
            // Lua 5.1 finds constants in a table where 0 and -0 are one key: the first of them stands for both.
            // LuaJ's numberK would make -0 the integer 0 again.
            if (zeroK < 0) {
                zeroK = r == NEGATIVE_ZERO ? addk(r) : super.numberK(r);
            }
            return zeroK;
        }
    }

    private static final class Lua51LexState extends LexState {
        /**
         * Added to a control character that C's isspace rejects, so that LuaJ's lexer (whose isspace is
         * {@code c <= ' '}) makes it a one-character token the parser matches nowhere; saving it into a string's
         * buffer as a char drops the offset again.
         */
        private static final int SYMBOL = 0x10000;

        private static final VarHandle T;
        private static final VarHandle LOOKAHEAD;
        private static final VarHandle TOKEN;
        private static final VarHandle TOKEN_SEMINFO;
        private static final VarHandle SEMINFO_TS;

        static {
            try {
                Class<?> token = Class.forName("org.luaj.vm2.compiler.LexState$Token");
                Class<?> seminfo = Class.forName("org.luaj.vm2.compiler.LexState$SemInfo");
                MethodHandles.Lookup lexState = MethodHandles.privateLookupIn(LexState.class, MethodHandles.lookup());
                T = lexState.findVarHandle(LexState.class, "t", token);
                LOOKAHEAD = lexState.findVarHandle(LexState.class, "lookahead", token);
                TOKEN = MethodHandles.privateLookupIn(token, MethodHandles.lookup()).findVarHandle(token, "token",
                        int.class);
                TOKEN_SEMINFO = MethodHandles.privateLookupIn(token, MethodHandles.lookup()).findVarHandle(token,
                        "seminfo", seminfo);
                SEMINFO_TS = MethodHandles.privateLookupIn(seminfo, MethodHandles.lookup()).findVarHandle(seminfo,
                        "ts", LuaString.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        Lua51LexState(LuaC.CompileState state, InputStream stream) {
            super(state, stream);
        }

        static int symbol(int c) {
            return c >= 0 && c < ' ' && (c < '\t' || c > '\r') ? c + SYMBOL : c;
        }

        @Override
        void nextChar() {
            boolean escape = current == '\\';
            super.nextChar();
            // After a backslash (only ever in a string: elsewhere it is an error), Lua 5.1 has no \x or \z escape
            // and takes the letter itself; as a symbol LuaJ's read_string saves it as such.
            current = escape && (current == 'x' || current == 'z') ? current + SYMBOL : symbol(current);
        }

        @Override
        boolean check_next(String set) {
            // C's strchr finds a NUL in every set, so after a numeral (its exponent mark) or a '.' a NUL is taken
            // as the expected character: "return 1\0" is valid Lua 5.1.
            if (current == SYMBOL) {
                save_and_next();
                return true;
            }
            return super.check_next(set);
        }

        @Override
        void next() {
            super.next();
            int token = token(t());
            if (token == TK_NUMBER) {
                checkNumeral();
            }
            if (token == TK_GOTO) {
                SEMINFO_TS.set(TOKEN_SEMINFO.get(t()), newstring("goto"));
                TOKEN.set(t(), TK_NAME);
            } else if (token == TK_DBCOLON) {
                // The second colon waits where LuaJ keeps a looked-ahead token.
                TOKEN.set(t(), ':');
                TOKEN.set(LOOKAHEAD.get(this), ':');
            }
        }

        /**
         * LuaJ reads a numeral as Lua 5.2 does and parses it leniently ("0x" is 0, Java takes "1f"); Lua 5.1 reads
         * digits and dots, an exponent sign, then every letter, digit and '_', and strtod must take all of it.
         */
        private void checkNumeral() {
            int n = nbuff;
            while (n > 0 && buff[n - 1] == '\0') {
                n--;
            }
            String text = new String(buff, 0, n);
            int end = lua51NumeralEnd(text);
            nbuff = end;
            if (end == n) {
                while (current < 128 && (Character.isLetterOrDigit(current) || current == '_')) {
                    save_and_next();
                }
                if (nbuff == n && validNumeral(text)) {
                    return;
                }
            }
            lexerror("malformed number", TK_NUMBER);
        }

        /** Called when LuaJ's own parse of the numeral failed: the same error with Lua 5.1's extent. */
        void malformedNumeral() {
            while (nbuff > 0 && buff[nbuff - 1] == '\0') {
                nbuff--;
            }
            String text = new String(buff, 0, nbuff);
            nbuff = lua51NumeralEnd(text);
            if (nbuff == text.length()) {
                while (current < 128 && (Character.isLetterOrDigit(current) || current == '_')) {
                    save_and_next();
                }
            }
            lexerror("malformed number", TK_NUMBER);
        }

        private static int lua51NumeralEnd(String t) {
            int i = 0;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
                i++;
            }
            if (i < t.length() && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
                i++;
                if (i < t.length() && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                    i++;
                }
            }
            while (i < t.length() && (Character.isLetterOrDigit(t.charAt(i)) || t.charAt(i) == '_')) {
                i++;
            }
            return i;
        }

        /** Whether glibc's strtod reads all of the numeral (decimal, or hex with an optional binary exponent). */
        private static boolean validNumeral(String t) {
            return t.matches("(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
                    || t.matches("0[xX](?:[0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?");
        }

        private Object t() {
            return T.get(this);
        }

        private static int token(Object tok) {
            return (int) TOKEN.get(tok);
        }

        @Override
        void lexerror(String msg, int token) {
            // LuaJ names the end of the chunk "<eos>".
            msg = msg.replace("'<eos>'", "'<eof>'");
            if (msg.startsWith("unexpected symbol ")) {
                // LuaJ appends the token's number and character.
                msg = "unexpected symbol";
            }
            String text = Lua.chunkid(source.tojstring()) + ":" + linenumber + ": " + msg;
            if (token == 0 || token == SYMBOL) {
                throw new LuaError(text);
            }
            throw new LuaError(text + " near '" + near(token) + "'");
        }

        /** luaX_token2str's text for the token, the buffer up to its first NUL as C reads it. */
        private String near(int token) {
            if (token == TK_EOS) {
                return "<eof>";
            }
            if (token >= SYMBOL) {
                token -= SYMBOL;
            }
            if (token < FIRST_RESERVED) {
                return token < ' ' || token == 127 ? "char(" + token + ")" : String.valueOf((char) token);
            }
            String text = txtToken(token);
            int nul = text.indexOf('\0');
            return nul < 0 ? text : text.substring(0, nul);
        }

        @Override
        void statlist() {
            // Lua 5.1's chunk: one optional ';' after each statement, and nothing after a return or a break.
            while (!block_follow(true)) {
                int token = token(t());
                if (token == ';') {
                    syntaxerror("unexpected symbol");
                }
                boolean last = token == TK_RETURN || token == TK_BREAK;
                statement();
                testnext(';');
                if (last) {
                    return;
                }
            }
        }

        /** LexState.body with a {@link Lua51FuncState} for the function. */
        @Override
        void body(expdesc e, boolean needself, int line) {
            FuncState newFs = new Lua51FuncState();
            FuncState.BlockCnt bl = new FuncState.BlockCnt();
            newFs.f = addprototype();
            newFs.f.linedefined = line;
            open_func(newFs, bl);
            checknext('(');
            if (needself) {
                new_localvarliteral("self");
                adjustlocalvars(1);
            }
            parlist();
            checknext(')');
            statlist();
            newFs.f.lastlinedefined = linenumber;
            check_match(TK_END, TK_FUNCTION, line);
            codeclosure(e);
            close_func();
        }

        @Override
        void exprstat() {
            LHS_assign v = new LHS_assign();
            suffixedexp(v.v);
            if (v.v.k == VCALL) {
                SETARG_C(fs.getcodePtr(v.v), 1);
            } else {
                // Lua 5.1 treats every other statement as an assignment, whose '=' is then missing.
                v.prev = null;
                assignment(v, 1);
            }
        }
    }
}
