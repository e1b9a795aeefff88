package io.jredis.persistence;

import io.jredis.server.Engine;
import io.jredis.server.scripting.FunctionLibraries;
import java.util.List;

/**
 * The function libraries as RDB files and AOF rewrites hold them (Redis's rdbSaveFunctions / rdbFunctionLoad): the
 * code of each library, saved as it is and loaded back as FUNCTION LOAD would. Engine thread.
 */
public final class SavedFunctions {
    private SavedFunctions() {}

    /**
     * The libraries' code now: the arrays are never modified, so the list is the libraries of this instant whatever
     * FUNCTION LOAD, DELETE or FLUSH do afterwards (a snapshot captures it when it starts).
     */
    public static List<byte[]> codes(Engine engine) {
        return engine.scripting() == null ? List.of() : engine.scripting().functions().codes();
    }

    /**
     * Loads one library read from a file; a library that does not load throws an {@link IllegalArgumentException}
     * with Redis's error text, which fails the load. {@code replace}: a library of the same name is replaced (Redis's
     * RDBFLAGS_ALLOW_DUP, DEBUG RELOAD MERGE) instead of failing with "already exists".
     */
    public static void load(Engine engine, byte[] code, boolean replace) {
        if (engine.scripting() == null) {
            throw new IllegalArgumentException("Failed creating the library");
        }
        try {
            engine.scripting().functions().loadSaved(code, replace);
        } catch (FunctionLibraries.LoadError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Drops every library, as Redis's emptyData does before a load that replaces the dataset. */
    public static void flush(Engine engine) {
        if (engine.scripting() != null) {
            engine.scripting().functions().flush();
        }
    }
}
