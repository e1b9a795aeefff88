package io.jredis.server.commands;

import io.jredis.server.util.Bytes;

/** Argument parsing shared by command families, with Redis's error texts. */
final class Args {
    static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    static final String NOT_FLOAT = "ERR value is not a valid float";
    static final String SYNTAX = "ERR syntax error";
    static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

    private Args() {}

    static Long longOrNull(byte[] b) {
        return Bytes.toLong(b);
    }
}
