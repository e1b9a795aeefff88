package io.jredis.persistence.aof;

import io.jredis.persistence.SavedFunctions;
import io.jredis.persistence.Snapshot;
import io.jredis.server.Engine;
import io.jredis.server.db.Database;
import io.jredis.server.db.HashValue;
import io.jredis.server.db.ListValue;
import io.jredis.server.db.SetValue;
import io.jredis.server.db.StreamGroup;
import io.jredis.server.db.StreamId;
import io.jredis.server.db.StreamValue;
import io.jredis.server.db.Values;
import io.jredis.server.db.ZSetValue;
import io.jredis.server.protocol.CommandEncoder;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Doubles;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The AOF form of a rewrite's base (Redis's rewriteAppendOnlyFileRio with {@code aof-use-rdb-preamble no}): a
 * FUNCTION LOAD per function library (Redis's rewriteFunctions), then per database a SELECT, then per key the
 * commands that rebuild it (SET, RPUSH, SADD, HMSET, ZADD, at most 64 items per command; streams as Redis's
 * rewriteStreamObject) and PEXPIREAT for a TTL. It is a {@link Snapshot.Format}: values are captured on the engine
 * thread as their command arguments (references to immutable strings) and encoded on the snapshot's writer thread.
 */
final class AofRewrite implements Snapshot.Format {
    /** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
    static final int ITEMS_PER_CMD = 64;
    private static final byte[] FUNCTION = Bytes.of("FUNCTION");
    private static final byte[] LOAD = Bytes.of("LOAD");
    private static final byte[] SELECT = Bytes.of("SELECT");
    private static final byte[] SET = Bytes.of("SET");
    private static final byte[] RPUSH = Bytes.of("RPUSH");
    private static final byte[] SADD = Bytes.of("SADD");
    private static final byte[] HMSET = Bytes.of("HMSET");
    private static final byte[] ZADD = Bytes.of("ZADD");
    private static final byte[] PEXPIREAT = Bytes.of("PEXPIREAT");
    private static final byte[] XADD = Bytes.of("XADD");
    private static final byte[] XGROUP = Bytes.of("XGROUP");
    /** Bytes gathered before they go to the stream. */
    private static final int CHUNK = 1 << 16;

    /** A collection as the flat arguments of its command: items of {@code width} arguments each. */
    private record Items(byte[] cmd, byte[][] flat, int width, long weight) {}

    /** A value rebuilt by a list of whole commands (streams). */
    private record Commands(List<byte[][]> argvs, long weight) {}

    /** Whether the base starts with a {@code #TS:} annotation ({@code aof-timestamp-enabled}). */
    private final boolean timestamp;

    AofRewrite(boolean timestamp) {
        this.timestamp = timestamp;
    }

    @Override
    public Object freeze(Object value) {
        return switch (Values.type(value)) {
            case STRING -> value;
            case LIST -> items(RPUSH, ((ListValue) value).toArray(), 1);
            case SET -> {
                SetValue set = (SetValue) value;
                byte[][] members = new byte[set.size()][];
                int[] n = {0};
                set.forEach(m -> members[n[0]++] = m);
                yield items(SADD, members, 1);
            }
            case HASH -> {
                HashValue h = (HashValue) value;
                byte[][] flat = new byte[h.size() * 2][];
                int[] n = {0};
                h.forEach((fb, fo, fl, vb, vo, vl) -> {
                    flat[n[0]++] = slice(fb, fo, fl);
                    flat[n[0]++] = slice(vb, vo, vl);
                });
                yield items(HMSET, flat, 2);
            }
            case ZSET -> {
                ZSetValue z = (ZSetValue) value;
                byte[][] flat = new byte[z.size() * 2][];
                int[] n = {0};
                z.forRange(0, z.size() - 1, false, (member, score) -> {
                    flat[n[0]++] = Bytes.of(Doubles.g17(score));
                    flat[n[0]++] = member;
                });
                yield items(ZADD, flat, 2);
            }
            case STREAM -> stream((StreamValue) value);
            default -> throw new IllegalStateException("AOF rewrite cannot serialise a "
                    + Values.type(value).typeName() + " value");
        };
    }

    /**
     * Redis's rewriteStreamObject, with the key left out (the encoder adds it): an XADD per entry (on an empty
     * stream the "XADD MAXLEN 0" trick), XSETID restoring the last ID and counters, then per group XGROUP CREATE
     * and, per consumer, an XCLAIM per pending entry or XGROUP CREATECONSUMER when it has none.
     */
    private static Commands stream(StreamValue s) {
        List<byte[][]> out = new ArrayList<>();
        long weight = 64;
        List<StreamValue.Entry> entries = s.range(StreamId.MIN, StreamId.MAX, false, 0);
        for (StreamValue.Entry e : entries) {
            byte[][] argv = new byte[3 + e.fieldsValues.length][];
            argv[0] = XADD;
            argv[2] = e.id.bytes();
            System.arraycopy(e.fieldsValues, 0, argv, 3, e.fieldsValues.length);
            out.add(argv);
            for (byte[] b : e.fieldsValues) {
                weight += b.length + 16;
            }
        }
        if (entries.isEmpty()) {
            out.add(new byte[][] {XADD, null, Bytes.of("MAXLEN"), Bytes.of("0"), Bytes.of("0-1"), Bytes.of("x"),
                Bytes.of("y")});
        }
        out.add(new byte[][] {Bytes.of("XSETID"), null, s.lastId().bytes(), Bytes.of("ENTRIESADDED"),
            Bytes.fromLong(s.entriesAdded()), Bytes.of("MAXDELETEDID"), s.maxDeletedId().bytes()});
        for (Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            StreamGroup g = ge.getValue();
            byte[] group = ge.getKey();
            out.add(new byte[][] {XGROUP, Bytes.of("CREATE"), null, group, g.lastId.bytes(), Bytes.of("ENTRIESREAD"),
                Bytes.fromLong(g.entriesRead)});
            for (StreamGroup.Consumer c : g.consumers.values()) {
                if (c.pel.isEmpty()) {
                    out.add(new byte[][] {XGROUP, Bytes.of("CREATECONSUMER"), null, group, c.name});
                    continue;
                }
                for (Map.Entry<StreamId, StreamGroup.Nack> pe : c.pel.entrySet()) {
                    out.add(new byte[][] {Bytes.of("XCLAIM"), null, group, c.name, Bytes.of("0"),
                        pe.getKey().bytes(), Bytes.of("TIME"), Bytes.fromLong(pe.getValue().deliveryTime),
                        Bytes.of("RETRYCOUNT"), Bytes.fromLong(pe.getValue().deliveryCount), Bytes.of("JUSTID"),
                        Bytes.of("FORCE")});
                }
            }
        }
        return new Commands(out, weight + 64L * out.size());
    }

    private static Items items(byte[] cmd, byte[][] flat, int width) {
        long weight = 16L * flat.length + 32;
        for (byte[] a : flat) {
            weight += a.length;
        }
        return new Items(cmd, flat, width, weight);
    }

    /** Listpack slices are copied; whole arrays are immutable and shared. */
    private static byte[] slice(byte[] b, int off, int len) {
        return off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len);
    }

    @Override
    public long weight(Object frozen) {
        if (frozen instanceof Commands commands) {
            return commands.weight();
        }
        return frozen instanceof Items items ? items.weight() : ((byte[]) frozen).length + 16;
    }

    @Override
    public Snapshot.Encoder open(OutputStream out) {
        CommandEncoder buf = new CommandEncoder(CHUNK + 4096);
        if (timestamp) {
            // Redis's rewrite writes one, so redis-check-aof --truncate-to-timestamp can cut at the base too.
            buf.raw("#TS:" + System.currentTimeMillis() / 1000 + "\r\n");
        }
        return new Snapshot.Encoder() {
            private long written;

            @Override
            public void functions(List<byte[]> codes) {
                for (byte[] code : codes) {
                    buf.command(new byte[][] {FUNCTION, LOAD, code});
                }
            }

            @Override
            public void selectDb(int db, boolean first, long size, long expires) throws IOException {
                buf.command(new byte[][] {SELECT, Bytes.fromLong(db)});
            }

            @Override
            public void key(byte[] key, long expireAt, long lru, Object frozen) throws IOException {
                if (frozen instanceof Items items) {
                    commands(buf, key, items);
                } else if (frozen instanceof Commands commands) {
                    for (byte[][] argv : commands.argvs()) {
                        byte[][] full = argv.clone();
                        // The key's place is left null when frozen: the second argument, third for XGROUP.
                        full[argv[1] == null ? 1 : 2] = key;
                        buf.command(full);
                    }
                } else {
                    buf.command(new byte[][] {SET, key, (byte[]) frozen});
                }
                if (expireAt != -1) {
                    buf.command(new byte[][] {PEXPIREAT, key, Bytes.fromLong(expireAt)});
                }
                if (buf.length() >= CHUNK) {
                    flush();
                }
            }

            @Override
            public void end() {
            }

            @Override
            public long position() {
                return written + buf.length();
            }

            @Override
            public void flush() throws IOException {
                byte[] chunk = buf.take();
                out.write(chunk);
                out.flush();
                written += chunk.length;
            }
        };
    }

    /** {@code cmd key item...} in commands of at most 64 items. */
    private static void commands(CommandEncoder buf, byte[] key, Items items) {
        int width = items.width();
        byte[][] flat = items.flat();
        int count = flat.length / width;
        int i = 0;
        while (i < count) {
            int n = Math.min(ITEMS_PER_CMD, count - i);
            buf.header('*', 2 + (long) n * width);
            buf.bulk(items.cmd(), 0, items.cmd().length);
            buf.bulk(key, 0, key.length);
            for (int j = i * width; j < (i + n) * width; j++) {
                buf.bulk(flat[j], 0, flat[j].length);
            }
            i += n;
        }
    }

    /**
     * Writes the whole dataset in {@code format} on the calling thread (the base made at start-up, before the
     * server serves clients, when Redis's rewriteAppendOnlyFile runs in the main process too).
     */
    static void writeNow(Engine engine, Snapshot.Format format, OutputStream os) throws IOException {
        Snapshot.Encoder out = format.open(os);
        out.functions(SavedFunctions.codes(engine));
        for (int i = 0; i < engine.databaseCount(); i++) {
            Database db = engine.database(i);
            if (db.size() == 0) {
                continue;
            }
            out.selectDb(i, true, db.size(), db.expiresSize());
            IOException[] failure = new IOException[1];
            db.dict().forEach(e -> {
                if (failure[0] == null) {
                    try {
                        out.key(e.key, e.expireAt, Snapshot.lruRecord(engine, e), format.freeze(e.value()));
                    } catch (IOException ex) {
                        failure[0] = ex;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        out.end();
        out.flush();
    }
}
