package io.jredis.server.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/** The globals table of a Lua state, read-only once the sandbox is built (see {@link ProtectedTable}). */
final class SandboxGlobals extends Globals {
    private boolean readonly;

    boolean readonly() {
        return readonly;
    }

    void readonly(boolean ro) {
        this.readonly = ro;
    }

    private void check() {
        if (readonly) {
            throw new LuaError(ProtectedTable.READONLY);
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
