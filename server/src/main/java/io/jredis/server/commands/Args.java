package io.jredis.server.commands;

import io.jredis.server.Client;

/** Redis's error texts shared by command families. */
final class Args {
    static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    static final String NOT_FLOAT = "ERR value is not a valid float";
    static final String SYNTAX = "ERR syntax error";
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private Args() {}

    /**
     * {@code v} as a value of {@code type}, null when there is no value, or {@code wrong} after replying WRONGTYPE:
     * the lookup every collection family starts with.
     */
    static <T> T typed(Client c, Object v, Class<T> type, T wrong) {
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        c.engine().error(c, WRONGTYPE);
        return wrong;
    }

    /** True for the client a running script calls commands with. */
    static boolean inScript(Client c) {
        return c.channel() == null && c.engine().scripting() != null
                && c.engine().scripting().runningScript() != null;
    }
}
