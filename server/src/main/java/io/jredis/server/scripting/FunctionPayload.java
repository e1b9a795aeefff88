package io.jredis.server.scripting;

import io.jredis.server.util.Crc64;
import io.jredis.server.util.Lzf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The FUNCTION DUMP / FUNCTION RESTORE payload, byte for byte as Redis 7.0 writes it: for each library the RDB opcode
 * FUNCTION2 (245) and the library code as an RDB string (length-prefixed, LZF-compressed when rdbcompression is on
 * and it saves at least 4 bytes), then the RDB version (10, two bytes little endian) and the CRC64 (Jones, reflected)
 * of everything before, eight bytes little endian. The persistence module has its own RDB codec; this is the small
 * subset functions need, and RDB files take their FUNCTION2 records from here ({@link #records}), so that they hold
 * the bytes Redis writes (its LZF output included).
 */
final class FunctionPayload {
    static final int RDB_VERSION = 10;
    private static final int OPCODE_FUNCTION_PRE_GA = 246;
    private static final int OPCODE_FUNCTION2 = 245;

    private FunctionPayload() {}

    static byte[] dump(List<byte[]> codes, boolean compress) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records(out, codes, compress);
        out.write(RDB_VERSION & 0xff);
        out.write(RDB_VERSION >> 8);
        long crc = Crc64.update(0, out.toByteArray());
        for (int i = 0; i < 8; i++) {
            out.write((int) (crc >>> (8 * i)) & 0xff);
        }
        return out.toByteArray();
    }

    /**
     * The FUNCTION2 records of {@code codes}, which Redis's rdbSaveFunctions writes both in FUNCTION DUMP payloads and
     * in RDB files: the payload without its footer.
     */
    static byte[] records(List<byte[]> codes, boolean compress) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        records(out, codes, compress);
        return out.toByteArray();
    }

    private static void records(ByteArrayOutputStream out, List<byte[]> codes, boolean compress) {
        for (byte[] code : codes) {
            out.write(OPCODE_FUNCTION2);
            rawString(out, code, compress);
        }
    }

    /** A payload that cannot be restored, with Redis's reason. */
    static final class BadPayload extends Exception {
        private static final long serialVersionUID = 1L;

        BadPayload(String msg) {
            super(msg, null, false, false);
        }
    }

    /** Redis's verifyDumpPayload: footer version not newer than ours and a matching checksum. */
    static boolean verify(byte[] p) {
        if (p.length < 10) {
            return false;
        }
        int ver = (p[p.length - 10] & 0xff) | (p[p.length - 9] & 0xff) << 8;
        if (ver > RDB_VERSION) {
            return false;
        }
        long crc = 0;
        for (int i = 7; i >= 0; i--) {
            crc = (crc << 8) | (p[p.length - 8 + i] & 0xff);
        }
        return Crc64.update(0, p, 0, p.length - 8) == crc;
    }

    /** The library codes of a verified payload. */
    static List<byte[]> read(byte[] p) throws BadPayload {
        List<byte[]> codes = new ArrayList<>();
        int[] pos = {0};
        while (p.length - pos[0] > 10) {
            int type = p[pos[0]++] & 0xff;
            if (type == OPCODE_FUNCTION_PRE_GA) {
                throw new BadPayload("Pre-GA function format not supported");
            }
            if (type != OPCODE_FUNCTION2) {
                throw new BadPayload("given type is not a function");
            }
            byte[] code = readString(p, pos);
            if (code == null) {
                throw new BadPayload("Failed loading library payload");
            }
            codes.add(code);
        }
        return codes;
    }

    // ---- RDB strings ----

    private static void length(ByteArrayOutputStream out, long len) {
        if (len < 64) {
            out.write((int) len);
        } else if (len < 16384) {
            out.write(0x40 | (int) (len >> 8));
            out.write((int) len & 0xff);
        } else if (len <= 0xffffffffL) {
            out.write(0x80);
            for (int i = 3; i >= 0; i--) {
                out.write((int) (len >>> (8 * i)) & 0xff);
            }
        } else {
            out.write(0x81);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (len >>> (8 * i)) & 0xff);
            }
        }
    }

    /** rdbSaveRawString: integer encoding for short numbers, LZF above 20 bytes, else length and bytes. */
    private static void rawString(ByteArrayOutputStream out, byte[] s, boolean compress) {
        if (s.length <= 11) {
            byte[] enc = integerEncoding(s);
            if (enc != null) {
                out.write(enc, 0, enc.length);
                return;
            }
        }
        if (compress && s.length > 20) {
            byte[] c = new byte[s.length - 4 + 1];
            int n = Lzf.compress(s, 0, s.length, c, s.length - 4);
            if (n > 0) {
                out.write(0xC3);
                length(out, n);
                length(out, s.length);
                out.write(c, 0, n);
                return;
            }
        }
        length(out, s.length);
        out.write(s, 0, s.length);
    }

    /** rdbTryIntegerEncoding: a canonical decimal integer that fits 32 bits, in 1, 2 or 4 little-endian bytes. */
    private static byte[] integerEncoding(byte[] s) {
        long v;
        try {
            String str = new String(s, java.nio.charset.StandardCharsets.US_ASCII);
            v = Long.parseLong(str);
            if (!Long.toString(v).equals(str)) {
                return null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            return new byte[] {(byte) 0xC0, (byte) v};
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return new byte[] {(byte) 0xC1, (byte) v, (byte) (v >> 8)};
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return new byte[] {(byte) 0xC2, (byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
        }
        return null;
    }

    /** Reads a length, or -(encoding + 1) for a special encoding; -100 when truncated. */
    private static long readLength(byte[] p, int[] pos) {
        if (pos[0] >= p.length) {
            return -100;
        }
        int b = p[pos[0]++] & 0xff;
        switch (b >> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                if (pos[0] >= p.length) {
                    return -100;
                }
                return ((long) (b & 0x3f) << 8) | (p[pos[0]++] & 0xff);
            case 2: {
                int n = b == 0x80 ? 4 : b == 0x81 ? 8 : -1;
                if (n < 0 || pos[0] + n > p.length) {
                    return -100;
                }
                long v = 0;
                for (int i = 0; i < n; i++) {
                    v = (v << 8) | (p[pos[0]++] & 0xff);
                }
                return v;
            }
            default:
                return -((b & 0x3f) + 1);
        }
    }

    private static byte[] readString(byte[] p, int[] pos) {
        long len = readLength(p, pos);
        if (len == -100) {
            return null;
        }
        if (len < 0) {
            int enc = (int) (-len - 1);
            switch (enc) {
                case 0, 1, 2: {
                    int n = 1 << enc;
                    if (pos[0] + n > p.length) {
                        return null;
                    }
                    long v = 0;
                    for (int i = n - 1; i >= 0; i--) {
                        v = (v << 8) | (p[pos[0] + i] & 0xff);
                    }
                    pos[0] += n;
                    v = n == 1 ? (byte) v : n == 2 ? (short) v : (int) v;
                    return Long.toString(v).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                }
                case 3: {
                    long clen = readLength(p, pos);
                    long ulen = readLength(p, pos);
                    if (clen < 0 || ulen < 0 || pos[0] + clen > p.length || ulen > Integer.MAX_VALUE) {
                        return null;
                    }
                    byte[] out;
                    try {
                        out = Lzf.decompress(p, pos[0], (int) clen, (int) ulen);
                    } catch (IllegalArgumentException corrupt) {
                        return null;
                    }
                    pos[0] += (int) clen;
                    return out;
                }
                default:
                    return null;
            }
        }
        if (pos[0] + len > p.length) {
            return null;
        }
        byte[] s = java.util.Arrays.copyOfRange(p, pos[0], pos[0] + (int) len);
        pos[0] += (int) len;
        return s;
    }
}
