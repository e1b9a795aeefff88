package io.jredis.persistence.rdb;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Reads Redis's zipmap blob (RDB type 9, hashes written before Redis 2.6): {@code <count byte>} then pairs of
 * {@code <len>key <len><free byte>value<free bytes>} and {@code FF}; a length is one byte below 254, or {@code FE}
 * (254) followed by a 4-byte little-endian length.
 */
public final class Zipmap {
    private Zipmap() {}

    /** Visits every field/value pair; throws {@link IllegalArgumentException} when the blob is malformed. */
    public static void forEach(byte[] zm, BiConsumer<byte[], byte[]> visitor) {
        int[] pos = {1};
        if (zm.length < 2) {
            throw new IntegrityException("zipmap shorter than its header");
        }
        for (int count = 0; ; count++) {
            if (pos[0] >= zm.length) {
                throw new IntegrityException("zipmap without its terminator");
            }
            if ((zm[pos[0]] & 0xff) == 0xff) {
                if (pos[0] != zm.length - 1) {
                    throw new IntegrityException("zipmap terminator before the end of the blob");
                }
                // As Redis's zipmapValidateIntegrity: no pairs, or a count byte (254 = too many to count) that lies.
                int declared = zm[0] & 0xff;
                if (count == 0 || declared != 254 && declared != count) {
                    throw new IntegrityException("zipmap header counts " + declared + " pairs, found " + count);
                }
                return;
            }
            int klen = length(zm, pos);
            check(zm, pos[0], klen);
            byte[] key = Arrays.copyOfRange(zm, pos[0], pos[0] + klen);
            pos[0] += klen;
            int vlen = length(zm, pos);
            check(zm, pos[0], 1);
            int free = zm[pos[0]++] & 0xff;
            check(zm, pos[0], (long) vlen + free);
            byte[] value = Arrays.copyOfRange(zm, pos[0], pos[0] + vlen);
            pos[0] += vlen + free;
            visitor.accept(key, value);
        }
    }

    private static int length(byte[] zm, int[] pos) {
        check(zm, pos[0], 1);
        int b = zm[pos[0]] & 0xff;
        if (b < 254) {
            pos[0] += 1;
            return b;
        }
        if (b == 254) {
            check(zm, pos[0], 5);
            long len = (zm[pos[0] + 1] & 0xffL) | (zm[pos[0] + 2] & 0xffL) << 8 | (zm[pos[0] + 3] & 0xffL) << 16
                    | (zm[pos[0] + 4] & 0xffL) << 24;
            pos[0] += 5;
            if (len > zm.length) {
                throw new IntegrityException("zipmap length " + len + " past the blob");
            }
            return (int) len;
        }
        throw new IntegrityException("zipmap entry where a length was expected");
    }

    /** Data must end before the terminator byte. */
    private static void check(byte[] zm, int off, long n) {
        if (off + n > zm.length - 1) {
            throw new IntegrityException("zipmap entry past the end of the blob");
        }
    }
}
