package io.jredis.server.scripting;

import java.util.function.Supplier;
import org.luaj.vm2.Globals;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.Lua51Compiler;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.OneArgFunction;

/**
 * LuaJ's debug interface, used for what Redis uses Lua's debug hooks and {@code lua_getstack} for: a call stack with
 * the current line of each Lua function (error positions as Lua 5.1 writes them, the "on @user_script:N" part of
 * script errors) and a count hook every {@value #COUNT} instructions (busy scripts, SCRIPT KILL, FUNCTION LOAD
 * timeout). Scripts never see a {@code debug} table.
 */
final class ScriptHook extends DebugLib {
    /** Redis's LUA_MASKCOUNT hook period. */
    static final int COUNT = 100_000;

    /** Called from the count hook; may throw a {@link ScriptError} to stop the script. */
    @FunctionalInterface
    interface Interrupt {
        void check();
    }

    /** Lua's line hook (LUA_MASKLINE), which the debugger stops on; runs on the thread running the script. */
    @FunctionalInterface
    interface LineHook {
        void onLine(LuaClosure fn, int line);
    }

    /** One coroutine's call stack: functions, their program counters and registers. */
    static final class Frames {
        LuaFunction[] fn = new LuaFunction[16];
        int[] pc = new int[16];
        LuaValue[][] stack = new LuaValue[16][];
        int n;

        void push(LuaFunction f, LuaValue[] regs) {
            if (n == fn.length) {
                fn = java.util.Arrays.copyOf(fn, n * 2);
                pc = java.util.Arrays.copyOf(pc, n * 2);
                stack = java.util.Arrays.copyOf(stack, n * 2);
            }
            fn[n] = f;
            pc[n] = -1;
            stack[n++] = regs;
        }

        void pop() {
            if (n > 0) {
                n--;
                fn[n] = null;
                stack[n] = null;
            }
        }

        /** Index of the innermost Lua (not Java) function, or -1. */
        int innermostLua() {
            for (int i = n - 1; i >= 0; i--) {
                if (fn[i] instanceof LuaClosure) {
                    return i;
                }
            }
            return -1;
        }

        int line(int i) {
            int[] li = ((LuaClosure) fn[i]).p.lineinfo;
            int p = pc[i];
            return li == null || p < 0 || p >= li.length ? -1 : li[p];
        }
    }

    /** Where the last error was raised: the source and line Redis reports as "on @user_script:N". */
    record Location(String source, int line) {}

    private final Globals globals;
    private final Positioner positioner = new Positioner();
    private Interrupt interrupt;
    private LineHook lineHook;
    /** Instructions left before the count hook runs; with {@link #periods}, the instructions run so far. */
    private int countdown = COUNT;
    private long periods;
    /**
     * The running function's frame as the last call, return or coroutine switch left it, so that the per-instruction
     * hook (LuaJ calls it before every instruction) stores the program counter without looking up the running
     * coroutine's stack: the coroutine, its frames, the top index and the running closure's code (null when the top
     * is a Java function).
     */
    private LuaThread thread;
    private Frames cur;
    private int[] pcs;
    private int topIndex;
    private int[] code;
    /** The running closure's constants, for the operands {@link #arith} reads. */
    private LuaValue[] constants;
    private Location lastError;
    /**
     * A register the instruction that is running sets, and the value it must hold instead (see {@link #after}): the
     * count hook's path of the next instruction stores it, with the count going on from {@link #afterCountdown}.
     */
    private LuaValue[] afterRegs;
    private int afterIndex;
    private LuaValue afterValue;
    private int afterCountdown;
    /** The last value raised by error() or redis.call, and the coroutine that raised it (see {@link #raised}). */
    private LuaValue raised;
    private LuaThread raisedBy;
    /**
     * A Lua function that returned through a tail call ({@code return f(x)}) and whose callee has not yet run an
     * instruction. In Lua 5.1 a C function tail-called runs inside the caller's frame, so errors raised by
     * {@code return redis.call(...)} or {@code return error(...)} name the caller's line; LuaJ pops the frame
     * first, so the hook keeps it as a virtual top frame.
     */
    private LuaClosure tailFn;
    private LuaValue[] tailRegs;
    private int tailPc;
    private int tailDepth;
    private long tailStamp;
    /** The depth of a Lua function called by the tail-called Java function, -1 when none runs. */
    private int tailCallee = -1;
    private Frames tailFrames;

    ScriptHook(Globals globals) {
        this.globals = globals;
        globals.debuglib = this;
        globals.running.errorfunc = positioner;
    }

    void interrupt(Interrupt i) {
        this.interrupt = i;
    }

    void lineHook(LineHook h) {
        this.lineHook = h;
    }

    Frames frames() {
        LuaThread t = globals.running;
        if (t.callstack instanceof Frames f) {
            return f;
        }
        Frames f = new Frames();
        t.callstack = f;
        if (t.errorfunc == null) {
            t.errorfunc = positioner;
        }
        return f;
    }

    /** Forgets the stack of an aborted run (a Java error may have skipped the returns). */
    void reset() {
        Frames f = frames();
        while (f.n > 0) {
            f.pop();
        }
        follow(f);
        if (afterRegs != null) {
            afterRegs = null;
            afterValue = null;
            countdown = Math.max(afterCountdown, 1);
        }
        lastError = null;
        raised = null;
        raisedBy = null;
        tailFn = null;
        tailRegs = null;
        tailCallee = -1;
    }

    /**
     * Notes a value raised as an error in the running coroutine. LuaJ hands a coroutine's error to resume as the
     * error's text, which for a value that is no string is empty; resume gives back the value itself from here.
     */
    void raised(LuaValue value) {
        raised = value;
        raisedBy = globals.running;
    }

    /**
     * Runs a coroutine for a Java function (coroutine.wrap's): a tail call that reached that function stays in
     * effect after the coroutine's own instructions and returns, so errors raised there still name the tail-calling
     * line.
     */
    Varargs keepingTailCall(Supplier<Varargs> run) {
        LuaClosure fn = tailFn;
        LuaValue[] regs = tailRegs;
        int pc = tailPc;
        int depth = tailDepth;
        int callee = tailCallee;
        Frames frames = tailFrames;
        boolean active = fn != null && tailStamp == instructions();
        try {
            return run.get();
        } finally {
            if (active) {
                tailFn = fn;
                tailRegs = regs;
                tailPc = pc;
                tailDepth = depth;
                tailCallee = callee;
                tailFrames = frames;
                tailStamp = instructions();
            }
        }
    }

    /** The value last raised in coroutine {@code co}, once; null when there is none. */
    LuaValue raisedIn(LuaValue co) {
        if (raisedBy != co) {
            return null;
        }
        LuaValue v = raised;
        raised = null;
        raisedBy = null;
        return v;
    }

    @Override
    public void onCall(LuaFunction f) {
        Frames frames = frames();
        noteTailCallee(frames);
        frames.push(f, null);
        follow(frames);
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        Frames f = frames();
        noteTailCallee(f);
        f.push(c, stack);
        follow(f);
    }

    /** True when the Lua function at {@code i} ends at a RETURN, not by an error (whose text has its position). */
    private static boolean returnsNormally(Frames f, int i) {
        return f.fn[i] instanceof LuaClosure c && f.pc[i] >= 0 && f.pc[i] < c.p.code.length
                && Lua.GET_OPCODE(c.p.code[f.pc[i]]) == Lua.OP_RETURN;
    }

    /** A function called while a tail-called Java function runs: its return goes back into that function. */
    private void noteTailCallee(Frames f) {
        if (tailActive(f)) {
            tailCallee = f.n;
        }
    }

    /** Points the per-instruction fields at the running coroutine's top frame. */
    private void follow(Frames f) {
        thread = globals.running;
        cur = f;
        pcs = f.pc;
        topIndex = f.n - 1;
        LuaClosure c = topIndex >= 0 && f.fn[topIndex] instanceof LuaClosure lc ? lc : null;
        code = c == null ? null : c.p.code;
        constants = c == null ? null : c.p.k;
    }

    /**
     * Kept small so that the JIT inlines it into LuaJ's interpreter loop: the rare work (a coroutine switched, the
     * debugger's line hook, a concatenation, the count hook) is in methods of its own.
     */
    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if (globals.running != thread) {
            // A coroutine resumed or yielded: LuaJ runs no hook in between.
            follow(frames());
        }
        if (lineHook == null) {
            pcs[topIndex] = pc;
        } else {
            traceLine(pc);
        }
        if (--countdown == 0) {
            countdown();
        }
        int[] c = code;
        if (c != null && pc < c.length && (BEFORE >>> Lua.GET_OPCODE(c[pc]) & 1) != 0) {
            before(c, pc, top);
        }
    }

    /** The opcodes whose operands {@link #before} looks at. */
    private static final long BEFORE = 1L << Lua.OP_CONCAT | 1L << Lua.OP_NEWTABLE | 1L << Lua.OP_SETLIST
            | 1L << Lua.OP_MUL | 1L << Lua.OP_DIV | 1L << Lua.OP_MOD | 1L << Lua.OP_POW | 1L << Lua.OP_UNM;

    private void before(int[] c, int pc, int top) {
        int instruction = c[pc];
        switch (Lua.GET_OPCODE(instruction)) {
            case Lua.OP_CONCAT -> concat(instruction);
            case Lua.OP_NEWTABLE -> after(Lua.GETARG_A(instruction),
                    new Lua51Table(Lua51Table.fb2int(Lua.GETARG_B(instruction)),
                            Lua51Table.fb2int(Lua.GETARG_C(instruction))));
            case Lua.OP_SETLIST -> setList(c, pc, top);
            default -> arith(instruction);
        }
    }

    /** The count hook; also where the instruction after one that {@link #after} corrects has its register set. */
    private void countdown() {
        if (afterRegs != null) {
            afterRegs[afterIndex] = afterValue;
            afterRegs = null;
            afterValue = null;
            countdown = afterCountdown;
            if (countdown > 0) {
                return;
            }
        }
        countdown = COUNT;
        periods++;
        if (interrupt != null) {
            interrupt.check();
        }
    }

    /**
     * Before an instruction that sets register {@code a} to what Lua 5.1 would not: the next instruction (of the
     * same function: these instructions neither jump nor call) takes the count hook's path, where the register gets
     * {@code value}; the count goes on as if undisturbed. NEWTABLE is one: LuaJ's interpreter makes a LuaTable of its
     * own, replaced while still empty and in that register only by a {@link Lua51Table}.
     */
    private void after(int a, LuaValue value) {
        LuaValue[] regs = cur.stack[topIndex];
        if (regs == null) {
            return;
        }
        afterRegs = regs;
        afterIndex = a;
        afterValue = value;
        afterCountdown = countdown - 1;
        countdown = 1;
    }

    /**
     * Before arithmetic on two numbers: Lua 5.1 computes in doubles, where LuaJ makes every whole result an integer
     * (so -0 becomes 0), divides by zero by the dividend's sign alone (1/-0 is inf) and answers 0/0 and x % 0 with
     * a NaN of its own (sign bit clear, where the hardware's has it set: "-nan"). A negative zero, and the result of a
     * division or modulo by zero, are put in the result register after LuaJ's; other results agree. Sums and
     * differences are left to LuaJ (only two zero operands, one of them already negative, make a negative zero), so
     * that the loops' most common arithmetic runs without the hook.
     */
    private void arith(int i) {
        LuaValue[] regs = cur.stack[topIndex];
        if (regs == null) {
            return;
        }
        int op = Lua.GET_OPCODE(i);
        LuaValue b = operand(regs, Lua.GETARG_B(i));
        LuaValue c = op == Lua.OP_UNM ? b : operand(regs, Lua.GETARG_C(i));
        if (b.type() != LuaValue.TNUMBER || c.type() != LuaValue.TNUMBER) {
            return;
        }
        double x = b.todouble();
        double y = c.todouble();
        double r = switch (op) {
            case Lua.OP_MUL -> x * y;
            case Lua.OP_DIV -> x / y;
            case Lua.OP_MOD -> x - Math.floor(x / y) * y;
            case Lua.OP_POW -> Math.pow(x, y);
            default -> -x;
        };
        if (Double.doubleToRawLongBits(r) == Long.MIN_VALUE) {
            after(Lua.GETARG_A(i), Lua51Compiler.NEGATIVE_ZERO);
        } else if ((op == Lua.OP_DIV || op == Lua.OP_MOD) && (y == 0 || Double.isNaN(r))) {
            after(Lua.GETARG_A(i), LuaValue.valueOf(r));
        }
    }

    /** RK(x): a register, or a constant of the running closure. */
    private LuaValue operand(LuaValue[] regs, int x) {
        return Lua.ISK(x) ? constants[Lua.INDEXK(x)] : regs[x];
    }

    /**
     * Before a SETLIST of a variable number of values ({@code {...}}, {@code {f()}}): Lua 5.1 grows the array part to
     * the last index set, which LuaJ only asks for (presize) when the count is fixed.
     */
    private void setList(int[] c, int pc, int top) {
        int i = c[pc];
        LuaValue[] regs = cur.stack[topIndex];
        int a = Lua.GETARG_A(i);
        if (Lua.GETARG_B(i) != 0 || regs == null || !(regs[a] instanceof Lua51Table t)) {
            return;
        }
        int batch = Lua.GETARG_C(i) != 0 ? Lua.GETARG_C(i) : pc + 1 < c.length ? c[pc + 1] : 1;
        t.presize((batch - 1) * Lua.LFIELDS_PER_FLUSH + top - a - 1);
    }

    /** Lua 5.1's traceexec: the line hook runs on a function's first instruction, a jump backwards or a new line. */
    private void traceLine(int pc) {
        int old = pcs[topIndex];
        pcs[topIndex] = pc;
        if (cur.fn[topIndex] instanceof LuaClosure c) {
            int[] li = c.p.lineinfo;
            int line = li == null || pc >= li.length ? -1 : li[pc];
            if (old < 0 || pc <= old || li == null || old >= li.length || li[old] != line) {
                lineHook.onLine(c, line);
            }
        }
    }

    /** Before a CONCAT runs: its numbers become Lua 5.1's text of them ("%.14g"), which LuaJ's own differs from. */
    private void concat(int instruction) {
        LuaFormat.concatOperands(cur.stack[topIndex], Lua.GETARG_B(instruction), Lua.GETARG_C(instruction));
    }

    /** Instructions run so far by this state. */
    private long instructions() {
        return periods * COUNT + (COUNT - countdown);
    }

    @Override
    public void onReturn() {
        Frames f = frames();
        int i = f.n - 1;
        // A Lua function that a tail-called Java function called (gsub's replacement, sort's comparator) returns
        // into that Java function, which is then still running for the tail-calling Lua function.
        boolean intoTailCalled = tailFn != null && tailFrames == f && i == tailDepth && i == tailCallee
                && returnsNormally(f, i);
        tailCallee = -1;
        LuaClosure outerFn = tailFn;
        LuaValue[] outerRegs = tailRegs;
        int outerPc = tailPc;
        int outerDepth = tailDepth;
        tailFn = null;
        tailRegs = null;
        if (i >= 0 && f.fn[i] instanceof LuaClosure c && f.pc[i] >= 0 && f.pc[i] < c.p.code.length
                && Lua.GET_OPCODE(c.p.code[f.pc[i]]) == Lua.OP_TAILCALL) {
            tailFn = c;
            tailRegs = f.stack[i];
            tailPc = f.pc[i];
            tailDepth = i;
            tailStamp = instructions();
            tailFrames = f;
        } else if (intoTailCalled) {
            tailFn = outerFn;
            tailRegs = outerRegs;
            tailPc = outerPc;
            tailDepth = outerDepth;
            tailStamp = instructions();
        }
        f.pop();
        follow(f);
    }

    /** True when the tail-calling function is still, for Lua 5.1, the running Lua function. */
    private boolean tailActive(Frames f) {
        return tailFn != null && tailFrames == f && f.n == tailDepth && tailStamp == instructions();
    }

    private int tailLine() {
        int[] li = tailFn.p.lineinfo;
        return li == null || tailPc >= li.length ? -1 : li[tailPc];
    }

    @Override
    public String traceback(int level) {
        return "";
    }

    /** The function running at {@code level} (1: the Lua function calling the running Java function), or null. */
    LuaFunction function(int level) {
        Frames f = frames();
        int i = f.n - level;
        return i < 0 || i >= f.n ? null : f.fn[i];
    }

    /** Lua 5.1's {@code luaL_where(L, level)}: "chunk:line: " of the function at that level, or "". */
    String where(int level) {
        Frames f = frames();
        if (tailActive(f)) {
            if (level == 1) {
                int line = tailLine();
                return line > 0 ? chunkid(tailFn.p.source.tojstring()) + ":" + line + ": " : "";
            }
            level--;
        }
        int i = f.n - level;
        if (i < 0 || i >= f.n || !(f.fn[i] instanceof LuaClosure c)) {
            return "";
        }
        int line = f.line(i);
        return line > 0 ? chunkid(c.p.source.tojstring()) + ":" + line + ": " : "";
    }

    /** Records where an error is being raised from (the innermost Lua function), for the error reply. */
    void markError() {
        Frames f = frames();
        if (tailActive(f)) {
            lastError = new Location(tailFn.p.source.tojstring(), tailLine());
            return;
        }
        int i = f.innermostLua();
        lastError = i < 0 ? null : new Location(((LuaClosure) f.fn[i]).p.source.tojstring(), f.line(i));
    }

    /**
     * The value of an error as Lua 5.1 would have raised it. An error thrown by a Java function called in tail
     * position ({@code return string.format('%y')}) reached no Lua function to add its position: it gets the
     * tail-calling function's, as luaL_error would have added.
     */
    LuaValue errorValue(org.luaj.vm2.LuaError e) {
        LuaValue v = e.getMessageObject();
        if (e instanceof ScriptError || e instanceof LuaSandbox.KilledError || !tailActive(frames())
                || v == null || !v.isstring()) {
            return v;
        }
        markError();
        if (raisedWithoutPosition(v.tojstring())) {
            return v;
        }
        return valueOf(where(1) + LuaErrorText.translate(v.tojstring(), tailFn.p, tailPc, tailRegs));
    }

    /**
     * Errors luaG_runerror raises inside a C function (rawset or setmetatable on a read-only table, table.sort
     * comparing values Lua cannot order, cmsgpack setting a nil key): Lua adds the position of a Lua function only,
     * so these have none.
     */
    private static boolean raisedWithoutPosition(String text) {
        return text.equals(ProtectedTable.READONLY) || text.startsWith("attempt to compare ")
                || text.equals("table index is nil") || text.equals("table index is NaN");
    }

    Location lastError() {
        return lastError;
    }

    /** Lua's {@code luaO_chunkid} for the sources scripts have. */
    static String chunkid(String source) {
        if (source.startsWith("=") || source.startsWith("@")) {
            return source.substring(1);
        }
        int len = 0;
        while (len < source.length() && source.charAt(len) != '\n' && source.charAt(len) != '\r') {
            len++;
        }
        // LUA_IDSIZE (60) minus the room of ' [string "..."] '.
        len = Math.min(len, 60 - 17);
        String s = len < source.length() ? source.substring(0, len) + "..." : source;
        return "[string \"" + s + "\"]";
    }

    /**
     * LuaJ's error hook, run by the Lua function whose instruction raised an error: turns LuaJ's "source:line msg"
     * into Lua 5.1's "chunk:line: msg", with 5.1's wording of runtime errors, and records the error's location.
     */
    private final class Positioner extends OneArgFunction {
        @Override
        public LuaValue call(LuaValue msg) {
            Frames f = frames();
            markError();
            String text = msg.tojstring();
            if (f.n == 0 || !(f.fn[f.n - 1] instanceof LuaClosure c)) {
                return valueOf(text);
            }
            Prototype p = c.p;
            int pc = f.pc[f.n - 1];
            int line = f.line(f.n - 1);
            String prefix = p.source.tojstring() + ":" + (line < 0 ? "?" : String.valueOf(line)) + " ";
            if (text.startsWith(prefix)) {
                text = text.substring(prefix.length());
            }
            if (raisedWithoutPosition(text) && LuaErrorText.raisedByCall(p, pc)) {
                return valueOf(text);
            }
            text = LuaErrorText.translate(text, p, pc, f.stack[f.n - 1]);
            return valueOf(line > 0 ? chunkid(p.source.tojstring()) + ":" + line + ": " + text : text);
        }
    }
}
