package io.jredis.replication;

import io.jredis.server.Engine;
import io.jredis.server.db.Database;
import io.jredis.server.db.Dict;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The RDB v10 subset replication needs while the persistence module's full RDB codec is not wired in: string keys
 * with expiry, aux fields, checksum. Loading understands every string encoding Redis writes (integers, LZF) and
 * skips aux, idle, frequency and function records; other value types fail the load with an IOException, as does
 * writing them.
 */
final class StringRdb implements SnapshotCodec {
    private static final int OP_FUNCTION2 = 245;
    private static final int OP_MODULE_AUX = 247;
    private static final int OP_IDLE = 248;
    private static final int OP_FREQ = 249;
    private static final int OP_AUX = 250;
    private static final int OP_RESIZEDB = 251;
    private static final int OP_EXPIRETIME_MS = 252;
    private static final int OP_EXPIRETIME = 253;
    private static final int OP_SELECTDB = 254;
    private static final int OP_EOF = 255;
    private static final int TYPE_STRING = 0;

    @Override
    public void write(Engine engine, String replId, long replOffset, OutputStream sink) throws IOException {
        Crc64Stream out = new Crc64Stream(sink);
        out.write("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        aux(out, "redis-ver", Engine.REDIS_VERSION);
        aux(out, "redis-bits", "64");
        aux(out, "ctime", Long.toString(System.currentTimeMillis() / 1000));
        aux(out, "used-mem", Long.toString(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()));
        aux(out, "repl-stream-db", "0");
        aux(out, "repl-id", replId);
        aux(out, "repl-offset", Long.toString(replOffset));
        aux(out, "aof-base", "0");
        IOException[] failure = new IOException[1];
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() == 0) {
                continue;
            }
            out.write(OP_SELECTDB);
            length(out, i);
            out.write(OP_RESIZEDB);
            length(out, db.size());
            length(out, db.expiresSize());
            db.dict().forEach(e -> {
                if (failure[0] == null) {
                    try {
                        entry(out, e);
                    } catch (IOException ex) {
                        failure[0] = ex;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        out.write(OP_EOF);
        long crc = out.crc;
        for (int i = 0; i < 8; i++) {
            sink.write((int) (crc >>> (8 * i)));
        }
        sink.flush();
    }

    private static void entry(OutputStream out, Dict.Entry e) throws IOException {
        if (!(e.value instanceof byte[] v)) {
            throw new IOException("value type not supported by the string-only RDB writer");
        }
        if (e.expireAt >= 0) {
            out.write(OP_EXPIRETIME_MS);
            for (int i = 0; i < 8; i++) {
                out.write((int) (e.expireAt >>> (8 * i)));
            }
        }
        out.write(TYPE_STRING);
        string(out, e.key);
        string(out, v);
    }

    private static void aux(OutputStream out, String key, String value) throws IOException {
        out.write(OP_AUX);
        string(out, key.getBytes(StandardCharsets.US_ASCII));
        string(out, value.getBytes(StandardCharsets.US_ASCII));
    }

    private static void string(OutputStream out, byte[] s) throws IOException {
        length(out, s.length);
        out.write(s);
    }

    private static void length(OutputStream out, long len) throws IOException {
        if (len < 64) {
            out.write((int) len);
        } else if (len < 16384) {
            out.write(0x40 | (int) (len >> 8));
            out.write((int) len);
        } else if (len <= 0xffffffffL) {
            out.write(0x80);
            for (int i = 3; i >= 0; i--) {
                out.write((int) (len >>> (8 * i)));
            }
        } else {
            out.write(0x81);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (len >>> (8 * i)));
            }
        }
    }

    @Override
    public void load(Engine engine, InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] magic = new byte[9];
        in.readFully(magic);
        if (!new String(magic, 0, 5, StandardCharsets.US_ASCII).equals("REDIS")) {
            throw new IOException("Wrong signature trying to load DB from file");
        }
        Database db = engine.database(0);
        long expireAt = -1;
        long now = System.currentTimeMillis();
        while (true) {
            int type = in.readUnsignedByte();
            switch (type) {
                case OP_EOF -> {
                    return;
                }
                case OP_AUX -> {
                    readString(in);
                    readString(in);
                }
                case OP_SELECTDB -> db = engine.database((int) readLength(in));
                case OP_RESIZEDB -> {
                    readLength(in);
                    readLength(in);
                }
                case OP_EXPIRETIME_MS -> expireAt = Long.reverseBytes(in.readLong());
                case OP_EXPIRETIME -> expireAt = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt())) * 1000;
                case OP_IDLE -> readLength(in);
                case OP_FREQ -> in.readUnsignedByte();
                case OP_FUNCTION2 -> readString(in);
                case TYPE_STRING -> {
                    byte[] key = readString(in);
                    byte[] value = readString(in);
                    // A replica keeps keys that already expired: the master's DEL removes them (Redis rdbLoad).
                    if (expireAt < 0 || expireAt > now || engine.slaveMode()) {
                        Dict.Entry e = db.set(key, value, false);
                        if (expireAt >= 0) {
                            db.setExpire(e, expireAt);
                        }
                    }
                    expireAt = -1;
                }
                case OP_MODULE_AUX -> throw new IOException("module data in RDB is not supported");
                default -> throw new IOException("RDB value type " + type + " not supported by the string-only loader");
            }
        }
    }

    private static long readLength(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        return switch (b >> 6) {
            case 0 -> b & 0x3f;
            case 1 -> ((b & 0x3f) << 8) | in.readUnsignedByte();
            default -> {
                if (b == 0x80) {
                    yield Integer.toUnsignedLong(in.readInt());
                }
                if (b == 0x81) {
                    yield in.readLong();
                }
                throw new IOException("Unknown length encoding " + b + " in rdbLoadLen()");
            }
        };
    }

    private static byte[] readString(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        if (b >> 6 != 3) {
            long len;
            switch (b >> 6) {
                case 0 -> len = b & 0x3f;
                case 1 -> len = ((b & 0x3f) << 8) | in.readUnsignedByte();
                default -> len = b == 0x80 ? Integer.toUnsignedLong(in.readInt()) : in.readLong();
            }
            byte[] s = new byte[Math.toIntExact(len)];
            in.readFully(s);
            return s;
        }
        return switch (b & 0x3f) {
            case 0 -> Long.toString(in.readByte()).getBytes(StandardCharsets.US_ASCII);
            case 1 -> Long.toString(Short.reverseBytes(in.readShort())).getBytes(StandardCharsets.US_ASCII);
            case 2 -> Long.toString(Integer.reverseBytes(in.readInt())).getBytes(StandardCharsets.US_ASCII);
            case 3 -> {
                int clen = Math.toIntExact(readLength(in));
                int len = Math.toIntExact(readLength(in));
                byte[] c = new byte[clen];
                in.readFully(c);
                yield lzfDecompress(c, len);
            }
            default -> throw new IOException("Unknown RDB string encoding type " + (b & 0x3f));
        };
    }

    /** LZF (liblzf) decompression, as Redis's lzf_decompress. */
    private static byte[] lzfDecompress(byte[] in, int outLen) throws IOException {
        byte[] out = new byte[outLen];
        int ip = 0;
        int op = 0;
        while (ip < in.length) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                ctrl++;
                if (op + ctrl > outLen || ip + ctrl > in.length) {
                    throw new EOFException("Invalid LZF compressed string");
                }
                System.arraycopy(in, ip, out, op, ctrl);
                ip += ctrl;
                op += ctrl;
            } else {
                int len = ctrl >> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (len == 7) {
                    len += in[ip++] & 0xff;
                }
                ref -= in[ip++] & 0xff;
                len += 2;
                if (op + len > outLen || ref < 0) {
                    throw new EOFException("Invalid LZF compressed string");
                }
                for (int i = 0; i < len; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        return out;
    }

    /** Passes bytes through while keeping Redis's CRC-64 (Jones polynomial, reflected, init 0) of them. */
    private static final class Crc64Stream extends OutputStream {
        private static final long[] TABLE = new long[256];

        static {
            long poly = 0x95ac9329ac4bc9b5L; // 0xad93d23594c935a9 bit-reflected
            for (int i = 0; i < 256; i++) {
                long c = i;
                for (int k = 0; k < 8; k++) {
                    c = (c & 1) != 0 ? (c >>> 1) ^ poly : c >>> 1;
                }
                TABLE[i] = c;
            }
        }

        private final OutputStream out;
        long crc;

        Crc64Stream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
            }
            out.write(b, off, len);
        }
    }
}
