package io.jredis.server.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

/**
 * An error whose value is already final (an error table, or a message that already carries its position): LuaJ
 * must neither prefix a position nor run its error hooks on it, as it does for errors raised without a traceback.
 */
final class ScriptError extends LuaError {
    private static final long serialVersionUID = 1L;

    ScriptError(LuaValue value) {
        super(value);
        this.traceback = value.isstring() ? value.tojstring() : "";
    }
}
