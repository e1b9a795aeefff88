package org.luaj.vm2.compiler;

import java.io.IOException;
import java.io.InputStream;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * LuaJ's compiler with the syntax error texts of Lua 5.1, the Lua Redis embeds: LuaJ drops the offending token
 * ("near 'x'") from its messages and reports a bare expression statement as "syntax error" where Lua 5.1 says
 * "'=' expected". It lives in LuaJ's package because the lexer's hooks are package-private.
 */
public final class Lua51Compiler implements Globals.Compiler {
    /** The shared, stateless instance to install as {@code globals.compiler}. */
    public static final Lua51Compiler INSTANCE = new Lua51Compiler();

    private Lua51Compiler() {}

    @Override
    public Prototype compile(InputStream stream, String chunkname) throws IOException {
        // LuaC.CompileState.luaY_parser with our lexer.
        LuaC.CompileState state = new LuaC.CompileState();
        LexState lex = new Lua51LexState(state, stream);
        FuncState fs = new FuncState();
        lex.fs = fs;
        lex.setinput(state, stream.read(), stream, (LuaString) LuaValue.valueOf(chunkname));
        fs.f = new Prototype();
        fs.f.source = (LuaString) LuaValue.valueOf(chunkname);
        lex.mainfunc(fs);
        return fs.f;
    }

    private static final class Lua51LexState extends LexState {
        Lua51LexState(LuaC.CompileState state, InputStream stream) {
            super(state, stream);
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
            if (token == 0) {
                throw new LuaError(text);
            }
            // A numeral's terminating NUL stays in LuaJ's buffer.
            String near = token == TK_EOS ? "<eof>" : txtToken(token).replace("\0", "");
            throw new LuaError(text + " near '" + near + "'");
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
