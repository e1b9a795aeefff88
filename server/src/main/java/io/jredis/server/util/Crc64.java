package io.jredis.server.util;

/**
 * The CRC-64 Redis puts at the end of RDB files and DUMP payloads ("Jones", CRC-64/REDIS): polynomial
 * 0xad93d23594c935a9 reflected, initial value 0, no final xor; {@code update(0, "123456789")} is 0xe9c6d914c4b8d9ca.
 * Computed eight bytes at a time (slicing-by-8) since every byte of a snapshot goes through it. Function payloads
 * (FUNCTION DUMP) carry it too.
 */
public final class Crc64 {
    /** The polynomial bit-reversed, as a reflected CRC uses it. */
    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;
    private static final long[][] TABLES = new long[8][256];

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            TABLES[0][i] = crc;
        }
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                long prev = TABLES[k - 1][i];
                TABLES[k][i] = (prev >>> 8) ^ TABLES[0][(int) (prev & 0xff)];
            }
        }
    }

    private Crc64() {}

    /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        long[] t0 = TABLES[0];
        int end = off + len;
        int i = off;
        for (; i + 8 <= end; i += 8) {
            crc ^= Bytes.longLE(b, i);
            crc = TABLES[7][(int) (crc & 0xff)] ^ TABLES[6][(int) ((crc >>> 8) & 0xff)]
                    ^ TABLES[5][(int) ((crc >>> 16) & 0xff)] ^ TABLES[4][(int) ((crc >>> 24) & 0xff)]
                    ^ TABLES[3][(int) ((crc >>> 32) & 0xff)] ^ TABLES[2][(int) ((crc >>> 40) & 0xff)]
                    ^ TABLES[1][(int) ((crc >>> 48) & 0xff)] ^ t0[(int) (crc >>> 56)];
        }
        for (; i < end; i++) {
            crc = t0[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    public static long update(long crc, byte[] b) {
        return update(crc, b, 0, b.length);
    }
}
