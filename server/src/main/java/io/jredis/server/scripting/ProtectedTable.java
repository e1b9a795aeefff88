package io.jredis.server.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A table that can be made read-only, as Redis 7.0's patched Lua protects the globals and every library table:
 * any store (assignment, {@code rawset}, {@code table.insert}, {@code setmetatable}) fails with Redis's text.
 */
class ProtectedTable extends LuaTable {
    /** The exact error text of Redis's {@code lua_enablereadonlytable} protection. */
    static final String READONLY = "Attempt to modify a readonly table";

    private boolean readonly;

    boolean readonly() {
        return readonly;
    }

    void readonly(boolean ro) {
        this.readonly = ro;
    }

    private void check() {
        if (readonly) {
            throw new LuaError(READONLY);
        }
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check();
        return super.setmetatable(metatable);
    }

    @Override
    public void sort(LuaValue comparator) {
        check();
        super.sort(comparator);
    }
}
