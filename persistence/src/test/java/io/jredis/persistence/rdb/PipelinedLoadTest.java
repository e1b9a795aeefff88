package io.jredis.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two-thread load makes the same calls, in the same order, with the same errors, as the plain one. */
class PipelinedLoadTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Three databases of string keys, more than one batch in db 0; {@code dupAt} repeats key 0 at that index. */
    private static byte[] file(int keys, int dupAt) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(bytes, true, true);
        RdbWriter.header(out, new RdbWriter.Aux(1_700_000_000L, 1234, false, null));
        for (int db = 0; db < 3; db++) {
            RdbWriter.selectDb(out, db);
            int n = db == 0 ? keys : 3;
            RdbWriter.resizeDb(out, n, 1);
            for (int i = 0; i < n; i++) {
                String k = "k" + (i == dupAt && db == 0 ? 0 : i);
                RdbWriter.key(out, b(k), i == 1 ? 4_000_000_000_000L : -1, Rdb.NO_LRU,
                        ValueCodecs.freeze(b("v" + db + ":" + i), EncodingConfig.DEFAULTS));
            }
        }
        RdbWriter.end(out);
        out.flush();
        return bytes.toByteArray();
    }

    /** Records every call as text; fails on a duplicate key as the keyspace does. */
    private static final class Recorder implements RdbLoader.Target {
        final List<String> calls = new ArrayList<>();
        final java.util.Set<String> seen = new java.util.HashSet<>();
        final Thread expectedThread = Thread.currentThread();

        @Override
        public void key(int db, byte[] key, Object value, long expireAt, long idleSeconds) {
            assertEquals(expectedThread, Thread.currentThread(), "keys must reach the target on the caller's thread");
            String k = db + "/" + new String(key, StandardCharsets.US_ASCII);
            if (!seen.add(k)) {
                throw new IllegalArgumentException("duplicated key " + k);
            }
            calls.add(k + "=" + new String((byte[]) value, StandardCharsets.US_ASCII) + "@" + expireAt);
        }

        @Override
        public void resize(int db, long keys) {
            calls.add("resize " + db + " " + keys);
        }

        @Override
        public void aux(String key, byte[] value) {
            calls.add("aux " + key);
        }
    }

    private static RdbInput input(byte[] f) {
        return new RdbInput(new ByteArrayInputStream(f), f.length);
    }

    @Test
    void sameCallsInTheSameOrder() throws IOException {
        byte[] f = file(5000, -1);
        Recorder plain = new Recorder();
        RdbLoader.load(input(f), EncodingConfig.DEFAULTS, 16, plain);
        Recorder piped = new Recorder();
        PipelinedLoad.load(input(f), EncodingConfig.DEFAULTS, 16, piped);
        assertEquals(5000 + 6 + 3, plain.calls.stream().filter(c -> !c.startsWith("aux")).count());
        assertEquals(plain.calls, piped.calls);
    }

    @Test
    void targetErrorsAndFileErrorsComeOutAsFromThePlainLoad() throws IOException {
        byte[] dup = file(3000, 2500);
        RdbException plain = assertThrows(RdbException.class,
                () -> RdbLoader.load(input(dup), EncodingConfig.DEFAULTS, 16, new Recorder()));
        RdbException piped = assertThrows(RdbException.class,
                () -> PipelinedLoad.load(input(dup), EncodingConfig.DEFAULTS, 16, new Recorder()));
        assertTrue(plain.getMessage().contains("duplicated key 0/k0"), plain.getMessage());
        assertEquals(plain.getMessage(), piped.getMessage());
        assertEquals(plain.offset(), piped.offset());

        byte[] damaged = file(3000, -1);
        damaged[damaged.length / 2] ^= 0x55;
        RdbException plainBad = assertThrows(RdbException.class,
                () -> RdbLoader.load(input(damaged), EncodingConfig.DEFAULTS, 16, new Recorder()));
        RdbException pipedBad = assertThrows(RdbException.class,
                () -> PipelinedLoad.load(input(damaged), EncodingConfig.DEFAULTS, 16, new Recorder()));
        assertEquals(plainBad.getMessage(), pipedBad.getMessage());
        assertEquals(plainBad.offset(), pipedBad.offset());

        byte[] tooFewDbs = file(10, -1);
        RdbException dbs = assertThrows(RdbException.class,
                () -> PipelinedLoad.load(input(tooFewDbs), EncodingConfig.DEFAULTS, 2, new Recorder()));
        assertTrue(dbs.getMessage().contains("more than 2 databases"), dbs.getMessage());
    }
}
