package io.jredis.server.scripting;

import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * Lua 5.1's wording of runtime errors ({@code luaG_typeerror}, {@code luaG_concaterror}, {@code luaG_ordererror}):
 * "attempt to index local 't' (a nil value)". LuaJ raises terser texts ("attempt to index ? (a nil value)"); the
 * failing instruction and its operands tell which variable is at fault, found by the symbolic execution of Lua's
 * {@code getobjname}.
 */
final class LuaErrorText {
    private LuaErrorText() {}

    /** True when the instruction at {@code pc} is a call: the error came from inside a called function. */
    static boolean raisedByCall(Prototype p, int pc) {
        if (pc < 0 || pc >= p.code.length) {
            return false;
        }
        int op = Lua.GET_OPCODE(p.code[pc]);
        return op == Lua.OP_CALL || op == Lua.OP_TAILCALL || op == Lua.OP_TFORCALL;
    }

    static String translate(String msg, Prototype p, int pc, LuaValue[] regs) {
        if (msg.startsWith("bad argument") && raisedByCall(p, pc) && Lua.GET_OPCODE(p.code[pc]) != Lua.OP_TFORCALL) {
            return badArgument(msg, p, pc, regs);
        }
        if (msg.startsWith("table index expected, got ")) {
            // LuaJ's text for a nil or NaN key (naming the table's type); SETTABLE's and SETTABUP's key is RK(B).
            int i = pc >= 0 && pc < p.code.length ? p.code[pc] : 0;
            int op = Lua.GET_OPCODE(i);
            LuaValue key = op == Lua.OP_SETTABLE || op == Lua.OP_SETTABUP ? rk(Lua.GETARG_B(i), p, regs) : null;
            return key != null && key.type() == LuaValue.TNUMBER ? "table index is NaN" : "table index is nil";
        }
        if (msg.startsWith("index expected, got ")) {
            // LuaJ's text for storing into a non-table.
            msg = "attempt to index ? (a " + msg.substring("index expected, got ".length()) + " value)";
        }
        if (pc < 0 || pc >= p.code.length || !msg.startsWith("attempt to ")) {
            return msg;
        }
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        int a = Lua.GETARG_A(i);
        int b = Lua.GETARG_B(i);
        int c = Lua.GETARG_C(i);
        if (msg.startsWith("attempt to call ")) {
            if (op == Lua.OP_CALL || op == Lua.OP_TAILCALL) {
                return typeError("call", p, pc, a, regs);
            }
            if (op == Lua.OP_TFORCALL) {
                // Lua 5.1's TFORLOOP calls a copy of the generator in a register no variable names.
                LuaValue v = regs == null || a >= regs.length || regs[a] == null ? LuaValue.NIL : regs[a];
                return "attempt to call a " + v.typename() + " value";
            }
            return msg;
        }
        if (msg.startsWith("attempt to index ")) {
            return switch (op) {
                case Lua.OP_GETTABLE, Lua.OP_SELF -> typeError("index", p, pc, b, regs);
                case Lua.OP_SETTABLE -> typeError("index", p, pc, a, regs);
                case Lua.OP_GETTABUP -> upvalueError("index", p, b, msg);
                case Lua.OP_SETTABUP -> upvalueError("index", p, a, msg);
                default -> msg;
            };
        }
        if (msg.startsWith("attempt to perform arithmetic")) {
            if (op == Lua.OP_UNM) {
                return typeError("perform arithmetic on", p, pc, b, regs);
            }
            if (op >= Lua.OP_ADD && op <= Lua.OP_POW) {
                // luaG_aritherror blames the first operand unless it converts to a number.
                int culprit = convertsToNumber(rk(b, p, regs)) ? c : b;
                if (Lua.ISK(culprit)) {
                    return "attempt to perform arithmetic on a " + p.k[Lua.INDEXK(culprit)].typename() + " value";
                }
                return typeError("perform arithmetic on", p, pc, culprit, regs);
            }
            return msg;
        }
        if (msg.startsWith("attempt to concatenate ") && op == Lua.OP_CONCAT && regs != null) {
            // luaV_concat works pairwise from the top: the rightmost pair holding a non-string fails.
            for (int r = c; r > b; r--) {
                if (!concatenable(regs[r]) || !concatenable(regs[r - 1])) {
                    int culprit = concatenable(regs[r - 1]) ? r : r - 1;
                    return typeError("concatenate", p, pc, culprit, regs);
                }
            }
            return msg;
        }
        if (msg.startsWith("attempt to get length of ") && op == Lua.OP_LEN) {
            return typeError("get length of", p, pc, b, regs);
        }
        if (msg.startsWith("attempt to compare ") && (op == Lua.OP_LT || op == Lua.OP_LE)) {
            // luaG_ordererror names the operands' types in source order.
            LuaValue l = rk(b, p, regs);
            LuaValue r = rk(c, p, regs);
            if (l != null && r != null) {
                String t1 = l.typename();
                String t2 = r.typename();
                return t1.equals(t2) ? "attempt to compare two " + t1 + " values"
                        : "attempt to compare " + t1 + " with " + t2;
            }
        }
        return msg;
    }

    /**
     * Lua 5.1's luaL_argerror wording, "bad argument #2 to 'format' (number expected, got string)", for LuaJ's
     * "bad argument #2: msg" and its index-less "bad argument: number expected, got string". The function is named
     * as the caller's instruction names it; without an index, the culprit is the first argument of the type named
     * (a string only when it does not read as a number, which would have been accepted), or "no value" past the
     * last argument.
     */
    private static String badArgument(String msg, Prototype p, int pc, LuaValue[] regs) {
        int i = p.code[pc];
        int a = Lua.GETARG_A(i);
        int nargs = Lua.GETARG_B(i) - 1;
        LuaValue[] args = null;
        if (nargs >= 0 && regs != null && a + nargs < regs.length) {
            args = new LuaValue[nargs];
            for (int j = 1; j <= nargs; j++) {
                args[j - 1] = regs[a + j] == null ? LuaValue.NIL : regs[a + j];
            }
        }
        return badArgument(msg, args, objName(p, pc, a));
    }

    /**
     * The same for a library function that pcall or xpcall called directly: no Lua instruction names it, so Lua 5.1
     * calls it '?', and the texts the library functions give with their own name get that name replaced too.
     */
    static LuaValue calledByPcall(LuaValue error, LuaValue fn, Varargs args) {
        if (error == null || error.type() != LuaValue.TSTRING || fn instanceof LuaClosure) {
            return error;
        }
        String msg = error.tojstring();
        if (!msg.startsWith("bad argument")) {
            return error;
        }
        int named = msg.indexOf(" to '");
        if (named > 0 && msg.endsWith(")")) {
            int open = msg.indexOf("' (", named);
            if (open > 0) {
                msg = msg.substring(0, named) + ": " + msg.substring(open + 3, msg.length() - 1);
            }
        }
        LuaValue[] argv = new LuaValue[args.narg()];
        for (int j = 0; j < argv.length; j++) {
            argv[j] = args.arg(j + 1);
        }
        return LuaValue.valueOf(badArgument(msg, argv, null));
    }

    /** {@code args} null when unknown; {@code name} as {@link #objName} gives it, null for '?'. */
    private static String badArgument(String msg, LuaValue[] args, String[] name) {
        int nargs = args == null ? -1 : args.length;
        int narg;
        String extra;
        if (msg.startsWith("bad argument #")) {
            int colon = msg.indexOf(": ");
            try {
                narg = Integer.parseInt(msg.substring("bad argument #".length(), colon < 0 ? msg.length() : colon));
            } catch (NumberFormatException e) {
                return msg;
            }
            extra = colon < 0 ? "" : msg.substring(colon + 2);
            if (extra.equals("value")) {
                extra = "value expected";
            }
        } else {
            String rest = msg.substring("bad argument: ".length());
            int got = rest.indexOf(" expected, got ");
            if (got < 0 || args == null) {
                return msg;
            }
            // LuaJ names the Java type it wanted (checkdouble, checkint, checkjstring); Lua 5.1 the Lua one.
            String expected = switch (rest.substring(0, got)) {
                case "double", "int", "long", "integer" -> "number";
                case "String" -> "string";
                default -> rest.substring(0, got);
            };
            String type = rest.substring(got + " expected, got ".length());
            narg = 0;
            boolean skipSubject = false;
            for (int j = 1; j <= nargs && narg == 0; j++) {
                LuaValue v = args[j - 1];
                if (v.typename().equals(type) && !(expected.equals("number") && v.isnumber())) {
                    // A string where a number was expected: the first string is most often the subject or format
                    // that the function accepted (string.rep('x', 'y'), string.format('%d', 'x')).
                    if (j == 1 && type.equals("string") && !skipSubject) {
                        skipSubject = true;
                        narg = 1;
                        for (int k = 2; k <= nargs; k++) {
                            LuaValue w = args[k - 1];
                            if (w.typename().equals(type) && !w.isnumber()) {
                                narg = k;
                                break;
                            }
                        }
                    } else {
                        narg = j;
                    }
                }
            }
            if (narg == 0) {
                if (!type.equals("nil")) {
                    return msg;
                }
                narg = nargs + 1;
                type = "no value";
            }
            extra = expected + " expected, got " + type;
        }
        String fname = name == null ? "?" : name[1];
        if (name != null && name[0].equals("method")) {
            narg--;
            if (narg == 0) {
                return "calling '" + fname + "' on bad self (" + extra + ")";
            }
        }
        return "bad argument #" + narg + " to '" + fname + "' (" + extra + ")";
    }

    private static boolean concatenable(LuaValue v) {
        return v != null && (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER);
    }

    private static boolean convertsToNumber(LuaValue v) {
        return v != null && !v.tonumber().isnil();
    }

    private static LuaValue rk(int x, Prototype p, LuaValue[] regs) {
        if (Lua.ISK(x)) {
            return p.k[Lua.INDEXK(x)];
        }
        return regs == null || x >= regs.length ? null : regs[x];
    }

    private static String typeError(String op, Prototype p, int pc, int reg, LuaValue[] regs) {
        LuaValue v = regs == null || reg >= regs.length || regs[reg] == null ? LuaValue.NIL : regs[reg];
        String[] name = objName(p, pc, reg);
        if (name != null) {
            return "attempt to " + op + " " + name[0] + " '" + name[1] + "' (a " + v.typename() + " value)";
        }
        return "attempt to " + op + " a " + v.typename() + " value";
    }

    private static String upvalueError(String op, Prototype p, int up, String msg) {
        LuaString name = up < p.upvalues.length ? p.upvalues[up].name : null;
        int open = msg.indexOf("(a ");
        String what = open >= 0 ? msg.substring(open) : "(a nil value)";
        if (name == null || name.tojstring().equals("_ENV")) {
            return "attempt to " + op + " a " + what.substring(3, what.length() - 7) + " value";
        }
        return "attempt to " + op + " upvalue '" + name.tojstring() + "' " + what;
    }

    /** Lua's getobjname: {kind, name} of what register {@code reg} holds at {@code pc}, or null. */
    private static String[] objName(Prototype p, int lastpc, int reg) {
        LuaString local = p.getlocalname(reg + 1, lastpc);
        if (local != null) {
            return new String[] {"local", local.tojstring()};
        }
        int pc = findSetReg(p, lastpc, reg);
        if (pc < 0) {
            return null;
        }
        int i = p.code[pc];
        int op = Lua.GET_OPCODE(i);
        switch (op) {
            case Lua.OP_MOVE: {
                int b = Lua.GETARG_B(i);
                return b < Lua.GETARG_A(i) ? objName(p, pc, b) : null;
            }
            case Lua.OP_GETTABUP:
            case Lua.OP_GETTABLE: {
                int k = Lua.GETARG_C(i);
                int t = Lua.GETARG_B(i);
                LuaString vn = op == Lua.OP_GETTABLE ? p.getlocalname(t + 1, pc)
                        : t < p.upvalues.length ? p.upvalues[t].name : null;
                return new String[] {vn != null && vn.tojstring().equals("_ENV") ? "global" : "field", constantName(p, k)};
            }
            case Lua.OP_GETUPVAL: {
                int u = Lua.GETARG_B(i);
                return new String[] {"upvalue", u < p.upvalues.length && p.upvalues[u].name != null
                        ? p.upvalues[u].name.tojstring() : "?"};
            }
            case Lua.OP_SELF: {
                return new String[] {"method", constantName(p, Lua.GETARG_C(i))};
            }
            default:
                return null;
        }
    }

    /**
     * Lua's kname: a string constant's text, else "?". Strictly strings: LuaJ's isstring() also holds for numbers,
     * which Lua names "?" (ARGV[1] + 1 on a missing argument is "field '?'").
     */
    private static String constantName(Prototype p, int k) {
        return Lua.ISK(k) && p.k[Lua.INDEXK(k)].type() == LuaValue.TSTRING ? p.k[Lua.INDEXK(k)].tojstring() : "?";
    }

    /** Lua 5.2's findsetreg: the last instruction before {@code lastpc} that wrote register {@code reg}. */
    private static int findSetReg(Prototype p, int lastpc, int reg) {
        int setreg = -1;
        for (int pc = 0; pc < lastpc; pc++) {
            int i = p.code[pc];
            int op = Lua.GET_OPCODE(i);
            int a = Lua.GETARG_A(i);
            switch (op) {
                case Lua.OP_LOADNIL -> {
                    int b = Lua.GETARG_B(i);
                    if (a <= reg && reg <= a + b) {
                        setreg = pc;
                    }
                }
                case Lua.OP_TFORCALL -> {
                    if (reg >= a + 2) {
                        setreg = pc;
                    }
                }
                case Lua.OP_CALL, Lua.OP_TAILCALL -> {
                    if (reg >= a) {
                        setreg = pc;
                    }
                }
                case Lua.OP_JMP -> {
                    int b = Lua.GETARG_sBx(i);
                    int dest = pc + 1 + b;
                    if (pc < dest && dest <= lastpc) {
                        pc += b;
                    }
                }
                case Lua.OP_TEST -> {
                    if (reg == a) {
                        setreg = pc;
                    }
                }
                default -> {
                    if (Lua.testAMode(op) && reg == a) {
                        setreg = pc;
                    }
                }
            }
        }
        return setreg;
    }
}
