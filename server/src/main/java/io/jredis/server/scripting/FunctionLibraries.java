package io.jredis.server.scripting;

import io.jredis.server.Client;
import io.jredis.server.util.SplitArgs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Function libraries (Redis 7.0's functions.c and function_lua.c): FUNCTION LOAD runs a library's code in a
 * restricted environment where only {@code redis.register_function}, {@code redis.log} and the version fields
 * exist; the registered functions later run with the full script environment. All libraries share one Lua state.
 */
public final class FunctionLibraries {
    /** FUNCTION LOAD's time limit for running the library code. */
    private static final long LOAD_TIMEOUT_MS = 500;
    static final String ENGINE = "LUA";

    /** A registered function. */
    record Function(String name, LuaFunction fn, String description, int flags, Library library) {}

    /**
     * A loaded library. Its functions are keyed by their exact name; across libraries (FCALL, collisions) names
     * compare case-insensitively, as in Redis's dictionaries.
     */
    static final class Library {
        final String name;
        final byte[] code;
        final Map<String, Function> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
        }
    }

    private final Scripting scripting;
    private final LuaSandbox.State state;
    /** The environment function code runs in; its __index switches between the load and the run-time API. */
    private final SandboxGlobals env;
    private final ProtectedTable envMeta;
    private final LuaTable runtimeApi;
    private final LuaTable loadApi;
    private Map<String, Library> libraries = new LinkedHashMap<>();
    private Map<String, Function> functions = new LinkedHashMap<>();
    /** The library being loaded (register_function adds to it); null outside FUNCTION LOAD. */
    private Library loading;

    FunctionLibraries(Scripting scripting) {
        this.scripting = scripting;
        this.state = LuaSandbox.create(scripting.random(), scripting.engine().config().luaEnableDeprecatedApi.value());
        SandboxGlobals g = state.globals;
        g.rawset("redis", RedisApi.create(scripting, state.hook, false));
        g.setmetatable(LuaSandbox.errorMetatable());
        LuaSandbox.protect(g, new java.util.HashSet<>());
        runtimeApi = g;

        LuaTable loadGlobals = new ProtectedTable();
        LuaTable loadRedis = new ProtectedTable();
        loadRedis.rawset("register_function", new RegisterFunction());
        RedisApi.logAndVersion(loadRedis, scripting.engine(), state.hook);
        loadRedis.setmetatable(LuaSandbox.errorMetatable());
        loadGlobals.rawset("redis", loadRedis);
        loadGlobals.setmetatable(LuaSandbox.errorMetatable());
        LuaSandbox.protect(loadGlobals, new java.util.HashSet<>());
        loadApi = loadGlobals;

        env = new SandboxGlobals();
        env.debuglib = g.debuglib;
        env.running = g.running;
        env.compiler = g.compiler;
        env.loader = g.loader;
        env.undumper = g.undumper;
        envMeta = new ProtectedTable();
        envMeta.rawset(LuaString.valueOf("__index"), runtimeApi);
        env.setmetatable(envMeta);
        envMeta.readonly(true);
        env.readonly(true);
        state.env = env;
    }

    public int libraryCount() {
        return libraries.size();
    }

    public int functionCount() {
        return functions.size();
    }

    private long codeBytes() {
        long n = 0;
        for (Library l : libraries.values()) {
            n += l.code.length;
        }
        return n;
    }

    /**
     * INFO used_memory_functions: the library code plus the per-library and per-function bookkeeping Redis 7.0
     * reports (an estimate: the JVM does not account memory per structure).
     */
    public long memoryOverhead() {
        return 200 + codeBytes() + 96L * libraries.size() + 70L * functions.size();
    }

    /** INFO used_memory_vm_functions: Redis's function Lua state starts at 33 KB and grows with code by KB. */
    long vmMemory() {
        return 33792 + (codeBytes() + 1023) / 1024 * 1024;
    }

    /** A library as FUNCTION LIST shows it. */
    public record LibraryInfo(String name, byte[] code, List<FunctionInfo> functions) {}

    /** A function as FUNCTION LIST shows it; description may be null. */
    public record FunctionInfo(String name, String description, List<String> flags) {}

    /** The libraries in load order. */
    public List<LibraryInfo> list() {
        List<LibraryInfo> out = new ArrayList<>();
        for (Library l : libraries.values()) {
            List<FunctionInfo> fns = new ArrayList<>();
            for (Function f : l.functions.values()) {
                fns.add(new FunctionInfo(f.name(), f.description(), ScriptFlags.names(f.flags())));
            }
            out.add(new LibraryInfo(l.name, l.code, fns));
        }
        return out;
    }

    private void switchApi(LuaTable api) {
        envMeta.readonly(false);
        envMeta.rawset(LuaString.valueOf("__index"), api);
        envMeta.readonly(true);
    }

    /** Raised while loading a library: the reply text without "ERR ". */
    public static final class LoadError extends Exception {
        private static final long serialVersionUID = 1L;

        LoadError(String msg) {
            super(msg, null, false, false);
        }
    }

    /** Metadata of the {@code #!lua name=lib} first line. */
    private record Meta(String engine, String name, int codeStart) {}

    private static Meta meta(byte[] code) throws LoadError {
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw new LoadError("Missing library metadata");
        }
        int end = 0;
        while (end < code.length && code[end] != '\n') {
            end++;
        }
        if (end == code.length) {
            throw new LoadError("Invalid library metadata");
        }
        List<byte[]> parts = SplitArgs.split(java.util.Arrays.copyOf(code, end));
        if (parts == null || parts.isEmpty()) {
            throw new LoadError("Invalid library metadata");
        }
        String engine = new String(parts.get(0), StandardCharsets.UTF_8).substring(2);
        String name = null;
        for (int i = 1; i < parts.size(); i++) {
            String part = new String(parts.get(i), StandardCharsets.UTF_8);
            if (part.length() >= 5 && part.substring(0, 5).equalsIgnoreCase("name=")) {
                if (name != null) {
                    throw new LoadError("Invalid metadata value, name argument was given multiple times");
                }
                name = part.substring(5);
                continue;
            }
            throw new LoadError("Invalid metadata value given: " + part);
        }
        if (name == null) {
            throw new LoadError("Library name was not given");
        }
        return new Meta(engine, name, end);
    }

    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9') && ch != '_') {
                return false;
            }
        }
        return true;
    }

    /** The metadata of a library's code, with its name and engine checked. */
    private static Meta checkedMeta(byte[] code) throws LoadError {
        Meta md = meta(code);
        if (!validName(md.name())) {
            throw new LoadError("Library names can only contain letters, numbers, or underscores(_) and must be at "
                    + "least one character long");
        }
        if (!md.engine().equalsIgnoreCase(ENGINE)) {
            throw new LoadError("Engine '" + md.engine() + "' not found");
        }
        return md;
    }

    /** Compiles and runs a library's code, returning the library with its functions (not yet linked). */
    private Library create(byte[] code, Meta md, long timeoutMs) throws LoadError {
        Library lib = new Library(md.name(), code);
        switchApi(loadApi);
        loading = lib;
        ScriptHook hook = state.hook;
        long start = System.nanoTime();
        hook.reset();
        if (timeoutMs > 0) {
            hook.interrupt(() -> {
                if ((System.nanoTime() - start) / 1_000_000 > timeoutMs) {
                    hook.markError();
                    throw new LuaSandbox.KilledError(LuaReplies.errorTable("FUNCTION LOAD timeout", false));
                }
            });
        }
        try {
            LuaFunction chunk;
            try {
                chunk = state.compile(code, md.codeStart(), "@user_function");
            } catch (LuaError e) {
                throw new LoadError("Error compiling function: " + e.getMessage());
            }
            try {
                chunk.invoke(LuaValue.NONE).eval();
            } catch (LuaError e) {
                LuaValue v = e.getMessageObject();
                String msg;
                if (v != null && v.istable() && v.rawget(LuaReplies.ERR).isstring()) {
                    msg = v.rawget(LuaReplies.ERR).tojstring();
                } else {
                    msg = "ERR " + (v == null ? "nil" : LuaFormat.tostring(v).tojstring());
                }
                throw new LoadError("Error registering functions: " + msg);
            } catch (StackOverflowError e) {
                throw new LoadError("Error registering functions: ERR stack overflow");
            }
        } finally {
            loading = null;
            hook.interrupt(null);
            hook.reset();
            switchApi(runtimeApi);
        }
        if (lib.functions.isEmpty()) {
            throw new LoadError("No functions registered");
        }
        return lib;
    }

    /** FUNCTION LOAD: returns the library name, or throws with the error text. */
    public String load(byte[] code, boolean replace) throws LoadError {
        return load(code, replace, LOAD_TIMEOUT_MS);
    }

    /**
     * A library read back from an RDB file or a master's payload (Redis's rdbFunctionLoad): as FUNCTION LOAD but
     * without its time limit; {@code replace} lets it replace a library of the same name (DEBUG RELOAD MERGE).
     */
    public String loadSaved(byte[] code, boolean replace) throws LoadError {
        return load(code, replace, 0);
    }

    private String load(byte[] code, boolean replace, long timeoutMs) throws LoadError {
        Meta md = checkedMeta(code);
        Library old = libraries.get(md.name());
        if (old != null && !replace) {
            throw new LoadError("Library '" + md.name() + "' already exists");
        }
        Library lib = create(code, md, timeoutMs);
        for (Function f : lib.functions.values()) {
            Function existing = functions.get(f.name().toLowerCase());
            if (existing != null && existing.library() != old) {
                throw new LoadError("Function " + f.name() + " already exists");
            }
        }
        if (old != null) {
            unlink(old);
        }
        link(lib);
        return lib.name;
    }

    private void link(Library lib) {
        libraries.put(lib.name, lib);
        for (Function f : lib.functions.values()) {
            functions.putIfAbsent(f.name().toLowerCase(), f);
        }
    }

    private void unlink(Library lib) {
        libraries.remove(lib.name);
        for (Function f : lib.functions.values()) {
            functions.remove(f.name().toLowerCase(), f);
        }
    }

    /** FUNCTION DELETE: false when there is no such library. */
    public boolean delete(String name) {
        Library lib = libraries.get(name);
        if (lib == null) {
            return false;
        }
        unlink(lib);
        return true;
    }

    public void flush() {
        libraries = new LinkedHashMap<>();
        functions = new LinkedHashMap<>();
    }

    /** The libraries' code in load order (arrays never modified): what RDB files and AOF rewrites hold. */
    public List<byte[]> codes() {
        List<byte[]> codes = new ArrayList<>(libraries.size());
        for (Library l : libraries.values()) {
            codes.add(l.code);
        }
        return codes;
    }

    /**
     * The FUNCTION2 records of {@code codes} as Redis's rdbSaveFunctions writes them into an RDB file, after the AUX
     * fields: per library the opcode and the code as an RDB string, LZF-compressed as Redis does when
     * {@code compress} (rdbcompression). Any thread.
     */
    public static byte[] rdbRecords(List<byte[]> codes, boolean compress) {
        return FunctionPayload.records(codes, compress);
    }

    public byte[] dump() {
        return FunctionPayload.dump(codes(), scripting.engine().config().rdbcompression.value());
    }

    /** The restore policies of FUNCTION RESTORE. */
    public enum Policy { APPEND, REPLACE, FLUSH }

    /** FUNCTION RESTORE of a verified payload: all libraries are loaded before any is linked. */
    public void restore(byte[] payload, Policy policy) throws LoadError {
        if (!FunctionPayload.verify(payload)) {
            throw new LoadError("DUMP payload version or checksum are wrong");
        }
        List<byte[]> codes;
        try {
            codes = FunctionPayload.read(payload);
        } catch (FunctionPayload.BadPayload e) {
            throw new LoadError(e.getMessage());
        }
        restore(codes, policy);
    }

    /**
     * Loads {@code codes} as FUNCTION RESTORE does with {@code policy}: every library is compiled before any is
     * linked, so on an error nothing changed. With {@link Policy#FLUSH} it replaces all libraries (a replica's full
     * sync parsed from the socket, as Redis's swap of a function context loaded aside).
     */
    public void restore(List<byte[]> codes, Policy policy) throws LoadError {
        Map<String, Library> loaded = new LinkedHashMap<>();
        Map<String, Function> loadedFunctions = new LinkedHashMap<>();
        for (byte[] code : codes) {
            Library lib = create(code, checkedMeta(code), 0);
            if (loaded.containsKey(lib.name)) {
                throw new LoadError("Library '" + lib.name + "' already exists");
            }
            for (Function f : lib.functions.values()) {
                if (loadedFunctions.containsKey(f.name().toLowerCase())) {
                    throw new LoadError("Function " + f.name() + " already exists");
                }
                loadedFunctions.putIfAbsent(f.name().toLowerCase(), f);
            }
            loaded.put(lib.name, lib);
        }
        if (policy == Policy.FLUSH) {
            libraries = loaded;
            functions = loadedFunctions;
            return;
        }
        List<Library> replaced = new ArrayList<>();
        for (Library lib : loaded.values()) {
            Library old = libraries.get(lib.name);
            if (old != null) {
                if (policy != Policy.REPLACE) {
                    for (Library r : replaced) {
                        link(r);
                    }
                    throw new LoadError("Library " + lib.name + " already exists");
                }
                unlink(old);
                replaced.add(old);
            }
        }
        for (Map.Entry<String, Function> f : loadedFunctions.entrySet()) {
            if (functions.containsKey(f.getKey())) {
                for (Library lib : replaced) {
                    link(lib);
                }
                throw new LoadError("Function " + f.getValue().name() + " already exists");
            }
        }
        for (Library lib : loaded.values()) {
            link(lib);
        }
    }

    /** Runs a function for FCALL / FCALL_RO once the flags were checked. */
    void call(ScriptRun run, Function f, byte[][] argv, int numkeys) {
        LuaTable keys = Scripting.array(argv, 3, 3 + numkeys);
        LuaTable args = Scripting.array(argv, 3 + numkeys, argv.length);
        scripting.run(run, state, f.fn(), LuaValue.varargsOf(keys, args));
    }

    /** redis.register_function(name, callback) or redis.register_function{function_name=..., callback=...}. */
    private final class RegisterFunction extends VarArgFunction {
        @Override
        public Varargs invoke(Varargs args) {
            Library lib = loading;
            if (lib == null) {
                throw registerError("redis.register_function can only be called on FUNCTION LOAD command");
            }
            int argc = args.narg();
            if (argc < 1 || argc > 2) {
                throw registerError("wrong number of arguments to redis.register_function");
            }
            String name;
            LuaFunction callback;
            String desc = null;
            int flags = 0;
            if (argc == 1) {
                if (!args.arg1().istable()) {
                    throw registerError("calling redis.register_function with a single argument is only applicable to Lua "
                            + "table (representing named arguments).");
                }
                LuaTable t = (LuaTable) args.arg1();
                name = null;
                callback = null;
                LuaValue k = NIL;
                Varargs n;
                while (!(k = (n = t.next(k)).arg1()).isnil()) {
                    if (!k.isstring()) {
                        throw registerError("named argument key given to redis.register_function is not a string");
                    }
                    String key = LuaFormat.tostring(k).tojstring();
                    LuaValue v = n.arg(2);
                    if (key.equalsIgnoreCase("function_name")) {
                        if (!v.isstring()) {
                            throw registerError("function_name argument given to redis.register_function must be a string");
                        }
                        name = LuaFormat.tostring(v).tojstring();
                    } else if (key.equalsIgnoreCase("description")) {
                        if (!v.isstring()) {
                            throw registerError("description argument given to redis.register_function must be a string");
                        }
                        desc = LuaFormat.tostring(v).tojstring();
                    } else if (key.equalsIgnoreCase("callback")) {
                        if (!v.isfunction()) {
                            throw registerError("callback argument given to redis.register_function must be a function");
                        }
                        callback = (LuaFunction) v;
                    } else if (key.equalsIgnoreCase("flags")) {
                        if (!v.istable()) {
                            throw registerError("flags argument to redis.register_function must be a table representing "
                                    + "function flags");
                        }
                        flags = readFlags((LuaTable) v);
                    } else {
                        throw registerError("unknown argument given to redis.register_function");
                    }
                }
                if (name == null) {
                    throw registerError("redis.register_function must get a function name argument");
                }
                if (callback == null) {
                    throw registerError("redis.register_function must get a callback argument");
                }
            } else {
                if (!args.arg1().isstring()) {
                    throw registerError("first argument to redis.register_function must be a string");
                }
                if (!args.arg(2).isfunction()) {
                    throw registerError("second argument to redis.register_function must be a function");
                }
                name = LuaFormat.tostring(args.arg1()).tojstring();
                callback = (LuaFunction) args.arg(2);
            }
            if (!validName(name)) {
                // Redis 7.0 reports invalid function names with the library text.
                throw registerError("Library names can only contain letters, numbers, or underscores(_) and must be at "
                        + "least one character long");
            }
            if (lib.functions.containsKey(name)) {
                throw registerError("Function already exists in the library");
            }
            lib.functions.put(name, new Function(name, callback, desc, flags, lib));
            return NONE;
        }

        private int readFlags(LuaTable t) {
            int flags = 0;
            for (int j = 1; ; j++) {
                LuaValue v = t.get(j);
                if (v.isnil()) {
                    return flags;
                }
                int b = v.isstring() ? ScriptFlags.bitIgnoreCase(LuaFormat.tostring(v).tojstring()) : 0;
                if (b == 0) {
                    throw registerError("unknown flag given");
                }
                flags |= b;
            }
        }

        private LuaError registerError(String msg) {
            return RedisApi.raise(state.hook, LuaReplies.errorTable(msg, false));
        }
    }

    /** FCALL's lookup and checks, then the call: Redis's fcallCommandGeneric. */
    /** The flags of the function an FCALL call names (Redis's fcallGetCommandFlags), or -1 when there is none. */
    public int flagsOf(byte[][] argv) {
        Function f = functions.get(new String(argv[1], StandardCharsets.UTF_8).toLowerCase());
        return f == null ? -1 : f.flags();
    }

    public void fcall(Client c, byte[][] argv, boolean ro) {
        Function f = functions.get(new String(argv[1], StandardCharsets.UTF_8).toLowerCase());
        if (f == null) {
            scripting.engine().error(c, "ERR Function not found");
            return;
        }
        long[] nk = new long[1];
        if (!io.jredis.server.util.Bytes.parseLong(argv[2], nk)) {
            scripting.engine().error(c, "ERR Bad number of keys provided");
            return;
        }
        if (nk[0] > argv.length - 3) {
            scripting.engine().error(c, "ERR Number of keys can't be greater than number of args");
            return;
        }
        if (nk[0] < 0) {
            scripting.engine().error(c, "ERR Number of keys can't be negative");
            return;
        }
        ScriptRun run = scripting.prepare(c, f.name(), argv, f.flags(), ro, false);
        if (run != null) {
            call(run, f, argv, (int) nk[0]);
        }
    }
}
