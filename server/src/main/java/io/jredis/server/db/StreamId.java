package io.jredis.server.db;

import io.jredis.server.util.Digits;
import java.nio.charset.StandardCharsets;

/**
 * A stream entry ID: two unsigned 64-bit numbers (milliseconds, sequence), ordered as one 128-bit number, as
 * Redis's streamID. Java longs hold the unsigned values; every comparison and increment treats them as unsigned.
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId MIN = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1L, -1L);

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    /** The next ID, or null past the maximum (Redis's streamIncrID failing). */
    public StreamId next() {
        if (seq != -1L) {
            return new StreamId(ms, seq + 1);
        }
        return ms == -1L ? null : new StreamId(ms + 1, 0);
    }

    /** The previous ID, or null before 0-0 (streamDecrID failing). */
    public StreamId previous() {
        if (seq != 0) {
            return new StreamId(ms, seq - 1);
        }
        return ms == 0 ? null : new StreamId(ms - 1, -1L);
    }

    /** The "ms-seq" text replies and propagation use. */
    public byte[] bytes() {
        if (ms < 0 || seq < 0) {
            // A part past 2^63, unsigned: the digit writer takes non-negative longs only.
            return toString().getBytes(StandardCharsets.US_ASCII);
        }
        // Written straight into the reply's bytes: no String and no concatenation per ID replied.
        int dash = Digits.count(ms);
        byte[] out = new byte[dash + 1 + Digits.count(seq)];
        Digits.write(ms, out, dash);
        out[dash] = '-';
        Digits.write(seq, out, out.length);
        return out;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }
}
