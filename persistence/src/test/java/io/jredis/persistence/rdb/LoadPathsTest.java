package io.jredis.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.db.HashValue;
import io.jredis.server.db.SetValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loader's one-allocation paths (listpack hashes, sorted intsets) give the same values, encodings and errors as
 * the element-by-element path they shortcut.
 */
class LoadPathsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A value body as RDB stores it: the blob as one RDB string. */
    private static Object read(int type, byte[] blob, EncodingConfig enc) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbOutput out = new RdbOutput(bytes, false, false);
        out.writeString(blob);
        out.flush();
        byte[] body = bytes.toByteArray();
        return RdbLoader.readValue(type, b("k"), new RdbInput(body, body.length), enc, 0);
    }

    private static byte[] listpack(String... items) {
        Listpack.Builder lp = new Listpack.Builder(64);
        for (String s : items) {
            lp.add(b(s));
        }
        return lp.build();
    }

    private static List<String> pairs(HashValue h) {
        List<String> seen = new ArrayList<>();
        h.forEach((fb, fo, fl, vb, vo, vl) -> seen.add(new String(fb, fo, fl, StandardCharsets.US_ASCII) + "="
                + new String(vb, vo, vl, StandardCharsets.US_ASCII)));
        return seen;
    }

    @Test
    void listpackHashKeepsOrderIntegersAndEncoding() throws IOException {
        HashValue h = (HashValue) read(Rdb.TYPE_HASH_LISTPACK, listpack("f1", "v1", "n", "-42", "10", "0"),
                EncodingConfig.DEFAULTS);
        assertEquals("listpack", h.encoding());
        assertEquals(List.of("f1=v1", "n=-42", "10=0"), pairs(h));
        assertEquals("-42", new String(h.get(b("n")), StandardCharsets.US_ASCII));
    }

    /** As Redis's loader, which checks a listpack's entry count but not its values' lengths. */
    @Test
    void listpackHashWithTooManyEntriesBecomesAHashtable() throws IOException {
        EncodingConfig small = new EncodingConfig(-2, 2, 4, 512, 128, 64);
        HashValue longValue = (HashValue) read(Rdb.TYPE_HASH_LISTPACK, listpack("f", "value-too-long"), small);
        assertEquals("listpack", longValue.encoding());
        assertEquals(List.of("f=value-too-long"), pairs(longValue));
        HashValue many = (HashValue) read(Rdb.TYPE_HASH_LISTPACK, listpack("a", "1", "b", "2", "c", "3"), small);
        assertEquals("hashtable", many.encoding());
        assertEquals(3, many.size());
    }

    @Test
    void listpackHashErrorsStay() {
        RdbException dup = assertThrows(RdbException.class,
                () -> read(Rdb.TYPE_HASH_LISTPACK, listpack("f", "1", "g", "2", "f", "3"), EncodingConfig.DEFAULTS));
        assertTrue(dup.getMessage().contains("Hash listpack integrity check failed"), dup.getMessage());
        RdbException odd = assertThrows(RdbException.class,
                () -> read(Rdb.TYPE_HASH_LISTPACK, listpack("f", "1", "g"), EncodingConfig.DEFAULTS));
        assertTrue(odd.getMessage().contains("odd entry count"), odd.getMessage());
    }

    @Test
    void intsetsLoadSortedInTheNarrowestWidth() throws IOException {
        SetValue s = (SetValue) read(Rdb.TYPE_SET_INTSET, Intset.encode(new long[] {-5, 3, 70000}, 3),
                EncodingConfig.DEFAULTS);
        assertEquals("intset", s.encoding());
        assertEquals(List.of("-5", "3", "70000"), members(s));
        RdbException unsorted = assertThrows(RdbException.class, () -> read(Rdb.TYPE_SET_INTSET,
                Intset.encode(new long[] {9, 1}, 2), EncodingConfig.DEFAULTS));
        assertTrue(unsorted.getMessage().contains("intset members out of order"), unsorted.getMessage());
        EncodingConfig two = new EncodingConfig(-2, 512, 64, 2, 128, 64);
        SetValue over = (SetValue) read(Rdb.TYPE_SET_INTSET, Intset.encode(new long[] {1, 2, 3}, 3), two);
        assertEquals("hashtable", over.encoding());
        assertEquals(3, over.size());
    }

    private static List<String> members(SetValue s) {
        List<String> out = new ArrayList<>();
        s.forEach(m -> out.add(new String(m, StandardCharsets.US_ASCII)));
        return out;
    }
}
