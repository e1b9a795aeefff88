package io.jredis.server.commands;

import io.jredis.server.Blocking;
import io.jredis.server.Client;
import io.jredis.server.util.Bytes;

/**
 * The arguments LMPOP/BLMPOP and ZMPOP/BZMPOP share: {@code [timeout] numkeys key [key ...] <end> [COUNT count]},
 * where {@code <end>} is LEFT|RIGHT or MIN|MAX; parsed with Redis's checks and error texts.
 *
 * @param deadline absolute deadline in ms for the blocking forms, 0 to wait forever or when not blocking
 * @param firstKey index of the first key in argv
 * @param endKey index just past the last key (the position of the end word)
 * @param first true for LEFT or MIN
 * @param count how many elements to pop at most
 */
record MultiPopArgs(long deadline, int firstKey, int endKey, boolean first, long count) {

    /** Parses; replies with the error and returns null when the arguments are invalid. */
    static MultiPopArgs parse(Client c, byte[][] argv, boolean blocking, String firstWord, String lastWord) {
        int base = blocking ? 2 : 1;
        long deadline = 0;
        if (blocking) {
            Long d = Blocking.deadline(c, argv[1]);
            if (d == null) {
                return null;
            }
            deadline = d;
        }
        Long numkeys = Bytes.toLong(argv[base]);
        if (numkeys == null || numkeys <= 0) {
            c.engine().error(c, "ERR numkeys should be greater than 0");
            return null;
        }
        if (numkeys > argv.length - base - 2) {
            c.engine().error(c, Args.SYNTAX);
            return null;
        }
        int endIdx = base + 1 + numkeys.intValue();
        boolean first;
        if (Bytes.eqIgnoreCase(argv[endIdx], firstWord)) {
            first = true;
        } else if (Bytes.eqIgnoreCase(argv[endIdx], lastWord)) {
            first = false;
        } else {
            c.engine().error(c, Args.SYNTAX);
            return null;
        }
        long count = 1;
        boolean countSeen = false;
        for (int i = endIdx + 1; i < argv.length; i++) {
            if (Bytes.eqIgnoreCase(argv[i], "count") && i + 1 < argv.length && !countSeen) {
                Long n = Bytes.toLong(argv[i + 1]);
                if (n == null || n <= 0) {
                    c.engine().error(c, "ERR count should be greater than 0");
                    return null;
                }
                count = n;
                countSeen = true;
                i++;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return null;
            }
        }
        return new MultiPopArgs(deadline, base + 1, endIdx, first, count);
    }
}
