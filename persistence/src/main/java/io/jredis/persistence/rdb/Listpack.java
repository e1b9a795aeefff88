package io.jredis.persistence.rdb;

import io.jredis.server.util.Doubles;
import java.util.Arrays;

/**
 * Redis's listpack blob, the body of RDB types 16 (hash), 17 (zset) and 18 (list nodes): {@code <uint32 LE total
 * bytes><uint16 LE count, 65535 = unknown>} then entries and a final {@code FF}. Each entry is an encoding byte
 * (7-bit uint, 13/16/24/32/64-bit ints, 6/12/32-bit string lengths), its data, and a 1-5 byte "backlen" holding the
 * entry's length for backward walks. Strings that are canonical integers are stored as integers, as Redis's
 * {@code lpAppend} does, so the bytes match what Redis writes for the same elements.
 */
public final class Listpack {
    private static final int HEADER = 6;
    private static final int EOF = 0xff;

    private Listpack() {}

    /**
     * Builds a listpack by appending elements. A builder can be {@link #reset()} and reused: a snapshot encodes every
     * listpack in the same buffer ({@link RdbOutput#listpack()}) and writes it with {@link RdbOutput#writeListpack}.
     */
    public static final class Builder {
        private byte[] buf;
        private int pos = HEADER;
        private int count;
        private final long[] num = new long[1];
        private final byte[] text = new byte[32];

        public Builder(int sizeHint) {
            buf = new byte[Math.max(16, sizeHint)];
        }

        /** Empties the builder, keeping its buffer. */
        public Builder reset() {
            pos = HEADER;
            count = 0;
            return this;
        }

        public int count() {
            return count;
        }

        /** Bytes the listpack would have if finished now. */
        public int bytes() {
            return pos + 1;
        }

        /** Appends a string, stored as an integer when it is one in canonical form. */
        public Builder add(byte[] s) {
            return add(s, 0, s.length);
        }

        /** Appends {@code s[off, off+len)}, stored as an integer when it is one in canonical form. */
        public Builder add(byte[] s, int off, int len) {
            if (canonicalLong(s, off, len, num)) {
                return add(num[0]);
            }
            int header = len < 64 ? 1 : len < 4096 ? 2 : 5;
            ensure(header + len + 5);
            int start = pos;
            if (len < 64) {
                buf[pos++] = (byte) (0x80 | len);
            } else if (len < 4096) {
                buf[pos++] = (byte) (0xe0 | (len >>> 8));
                buf[pos++] = (byte) len;
            } else {
                buf[pos++] = (byte) 0xf0;
                putLE(len, 4);
            }
            System.arraycopy(s, off, buf, pos, len);
            pos += len;
            backlen(pos - start);
            return this;
        }

        /** Redis's string2ll on a slice (as {@link Bytes#parseLong}): canonical decimal text of a long only. */
        static boolean canonicalLong(byte[] b, int off, int len, long[] out) {
            if (len == 0 || len > 20) {
                return false;
            }
            if (len == 1 && b[off] == '0') {
                out[0] = 0;
                return true;
            }
            int i = off;
            int end = off + len;
            boolean neg = b[i] == '-';
            if (neg && ++i == end) {
                return false;
            }
            if (b[i] < '1' || b[i] > '9') {
                return false;
            }
            long v = 0; // accumulated as a negative number so Long.MIN_VALUE fits
            for (; i < end; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                    return false;
                }
                v = v * 10 - d;
            }
            if (!neg && v == Long.MIN_VALUE) {
                return false;
            }
            out[0] = neg ? v : -v;
            return true;
        }

        /** The bytes {@link #add(byte[])} would append for {@code s} (encoding, data and backlen). */
        public int entryBytes(byte[] s) {
            int len = s.length;
            int body;
            if (canonicalLong(s, 0, len, num)) {
                long v = num[0];
                body = v >= 0 && v <= 127 ? 1 : v >= -4096 && v <= 4095 ? 2
                        : v >= Short.MIN_VALUE && v <= Short.MAX_VALUE ? 3
                        : v >= -(1 << 23) && v < (1 << 23) ? 4
                        : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 5 : 9;
            } else {
                body = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
            }
            return body + (body <= 127 ? 1 : body < 16383 ? 2 : body < 2097151 ? 3 : body < 268435455 ? 4 : 5);
        }

        public Builder add(long v) {
            ensure(9 + 5);
            int start = pos;
            if (v >= 0 && v <= 127) {
                buf[pos++] = (byte) v;
            } else if (v >= -4096 && v <= 4095) {
                long u = v < 0 ? (1 << 13) + v : v;
                buf[pos++] = (byte) ((u >>> 8) | 0xc0);
                buf[pos++] = (byte) u;
            } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                buf[pos++] = (byte) 0xf1;
                putLE(v, 2);
            } else if (v >= -(1 << 23) && v < (1 << 23)) {
                buf[pos++] = (byte) 0xf2;
                putLE(v, 3);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                buf[pos++] = (byte) 0xf3;
                putLE(v, 4);
            } else {
                buf[pos++] = (byte) 0xf4;
                putLE(v, 8);
            }
            backlen(pos - start);
            return this;
        }

        /**
         * Appends a score as Redis's zset listpacks hold it: the text of {@code d2string} ({@link
         * RdbOutput#scoreText}), which for integers is their canonical text and so is stored as that integer.
         */
        public Builder addScore(double score) {
            if (RdbOutput.isIntegerScore(score)) {
                return add((long) score);
            }
            return add(text, 0, Doubles.g17(score, text));
        }

        private void putLE(long v, int n) {
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) (v >>> (8 * i));
            }
        }

        /** Redis's lpEncodeBacklen: big-endian 7-bit groups, every byte after the first with the high bit set. */
        private void backlen(int l) {
            if (l <= 127) {
                buf[pos++] = (byte) l;
            } else if (l < 16383) {
                buf[pos++] = (byte) (l >>> 7);
                buf[pos++] = (byte) ((l & 127) | 128);
            } else if (l < 2097151) {
                buf[pos++] = (byte) (l >>> 14);
                buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
                buf[pos++] = (byte) ((l & 127) | 128);
            } else if (l < 268435455) {
                buf[pos++] = (byte) (l >>> 21);
                buf[pos++] = (byte) (((l >>> 14) & 127) | 128);
                buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
                buf[pos++] = (byte) ((l & 127) | 128);
            } else {
                buf[pos++] = (byte) (l >>> 28);
                buf[pos++] = (byte) (((l >>> 21) & 127) | 128);
                buf[pos++] = (byte) (((l >>> 14) & 127) | 128);
                buf[pos++] = (byte) (((l >>> 7) & 127) | 128);
                buf[pos++] = (byte) ((l & 127) | 128);
            }
            count++;
        }

        private void ensure(int more) {
            if (pos + more + 1 > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more + 1));
            }
        }

        /** The finished blob. */
        public byte[] build() {
            int total = finish();
            return buf.length == total ? buf : Arrays.copyOf(buf, total);
        }

        /**
         * Terminates the listpack in place and returns its length: the blob is {@code array()[0, length)}. Nothing
         * may be appended afterwards until {@link #reset()}.
         */
        int finish() {
            ensure(0);
            buf[pos++] = (byte) EOF;
            int total = pos;
            buf[0] = (byte) total;
            buf[1] = (byte) (total >>> 8);
            buf[2] = (byte) (total >>> 16);
            buf[3] = (byte) (total >>> 24);
            int n = Math.min(count, 65535);
            buf[4] = (byte) n;
            buf[5] = (byte) (n >>> 8);
            return total;
        }

        /** The buffer {@link #finish()} terminated the blob in. */
        byte[] array() {
            return buf;
        }
    }

    /**
     * Walks a listpack's entries, checking its structure as it goes (Redis's deep integrity validation): every
     * length stays inside the blob and every backlen matches. Throws {@link IllegalArgumentException} on damage.
     */
    public static final class Reader extends PackedReader {
        private final int declaredCount;

        public Reader(byte[] lp) {
            super("listpack", lp, HEADER);
            if (lp.length < HEADER + 1) {
                throw new IntegrityException("listpack shorter than its header");
            }
            long total = (lp[0] & 0xffL) | (lp[1] & 0xffL) << 8 | (lp[2] & 0xffL) << 16 | (lp[3] & 0xffL) << 24;
            if (total != lp.length) {
                throw new IntegrityException("listpack header says " + total + " bytes, blob has "
                        + lp.length);
            }
            if ((lp[lp.length - 1] & 0xff) != EOF) {
                throw new IntegrityException("listpack does not end with its terminator");
            }
            this.declaredCount = (lp[4] & 0xff) | (lp[5] & 0xff) << 8;
        }

        /** Goes back before the first entry. */
        public void rewind() {
            pos = HEADER;
            seen = 0;
        }

        @Override
        public boolean next() {
            if ((blob[pos] & 0xff) == EOF) {
                if (pos != blob.length - 1) {
                    throw new IntegrityException("listpack terminator before the end of the blob");
                }
                if (declaredCount != 65535 && declaredCount != seen) {
                    throw new IntegrityException("listpack header counts " + declaredCount
                            + " entries, found " + seen);
                }
                return false;
            }
            int start = pos;
            int b = blob[pos] & 0xff;
            isInt = true;
            if ((b & 0x80) == 0) {
                intValue = b;
                pos += 1;
            } else if ((b & 0xc0) == 0x80) {
                string(pos + 1, b & 0x3f);
            } else if ((b & 0xe0) == 0xc0) {
                need(2);
                int u = ((b & 0x1f) << 8) | (blob[pos + 1] & 0xff);
                intValue = u >= 1 << 12 ? u - (1 << 13) : u;
                pos += 2;
            } else if ((b & 0xf0) == 0xe0) {
                need(2);
                string(pos + 2, ((b & 0x0f) << 8) | (blob[pos + 1] & 0xff));
            } else {
                switch (b) {
                    case 0xf0 -> {
                        need(5);
                        long len = le(blob, pos + 1, 4) & 0xffffffffL;
                        if (len > blob.length) {
                            throw new IntegrityException("listpack string length " + len + " past the blob");
                        }
                        string(pos + 5, (int) len);
                    }
                    case 0xf1 -> integer(2);
                    case 0xf2 -> integer(3);
                    case 0xf3 -> integer(4);
                    case 0xf4 -> integer(8);
                    default -> throw new IntegrityException("invalid listpack entry encoding 0x"
                            + Integer.toHexString(b));
                }
            }
            checkBacklen(pos - start);
            seen++;
            return true;
        }

        private void checkBacklen(int entryLen) {
            int n = entryLen <= 127 ? 1 : entryLen < 16383 ? 2 : entryLen < 2097151 ? 3 : entryLen < 268435455 ? 4 : 5;
            if (pos + n > blob.length - 1) {
                throw new IntegrityException("listpack entry backlen past the end of the blob");
            }
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 7) | (blob[pos + i] & 127);
            }
            if (v != entryLen) {
                throw new IntegrityException("listpack entry backlen " + v + " does not match its length "
                        + entryLen);
            }
            pos += n;
        }
    }
}
