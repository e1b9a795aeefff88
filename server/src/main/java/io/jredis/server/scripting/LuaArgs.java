package io.jredis.server.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** Argument checks of the C libraries Redis embeds, with Lua 5.1's luaL_typerror / luaL_argerror texts. */
final class LuaArgs {
    private LuaArgs() {}

    static LuaError argError(int arg, String fname, String msg) {
        return new LuaError("bad argument #" + arg + " to '" + fname + "' (" + msg + ")");
    }

    static LuaError typeError(Varargs args, int arg, String fname, String expected) {
        String got = arg > args.narg() ? "no value" : args.arg(arg).typename();
        return argError(arg, fname, expected + " expected, got " + got);
    }

    /** luaL_checknumber: numbers and numeric strings. */
    static double number(Varargs args, int arg, String fname) {
        LuaValue n = args.arg(arg).tonumber();
        if (n.isnil()) {
            throw typeError(args, arg, fname, "number");
        }
        return n.todouble();
    }

    static double optNumber(Varargs args, int arg, String fname, double def) {
        return args.isnoneornil(arg) ? def : number(args, arg, fname);
    }

    /** luaL_checklstring: strings and numbers (as Lua 5.1 prints them). */
    static LuaString string(Varargs args, int arg, String fname) {
        LuaValue v = args.arg(arg);
        if (v.type() == LuaValue.TSTRING) {
            return v.checkstring();
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaFormat.tostring(v);
        }
        throw typeError(args, arg, fname, "string");
    }
}
