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

    /**
     * An argument error in LuaJ's wording ("bad argument #2: msg"), which the error hook turns into Lua 5.1's with the
     * function named as the calling instruction names it, one less for a method call ({@code ('x'):rep('y')}).
     */
    static LuaError callerArgError(int arg, String msg) {
        return new LuaError("bad argument #" + arg + ": " + msg);
    }

    /** luaL_checknumber in LuaJ's wording (see {@link #callerArgError}). */
    static double callerNumber(Varargs args, int arg) {
        LuaValue n = args.arg(arg).tonumber();
        if (n.isnil()) {
            throw callerArgError(arg, "number expected, got " + (arg > args.narg() ? "no value"
                    : args.arg(arg).typename()));
        }
        return n.todouble();
    }

    /** luaL_checklstring in LuaJ's wording (see {@link #callerArgError}). */
    static LuaString callerString(Varargs args, int arg) {
        LuaValue v = args.arg(arg);
        if (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) {
            return string(args, arg, "");
        }
        throw callerArgError(arg, "string expected, got " + (arg > args.narg() ? "no value" : v.typename()));
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
