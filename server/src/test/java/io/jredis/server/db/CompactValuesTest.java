package io.jredis.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.util.Bytes;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * White-box checks of the compact encodings: the memory benchmark relies on an intset being the narrowest primitive
 * array and a listpack hash being one byte array, so a regression here would silently cost memory.
 */
class CompactValuesTest {
    private static Object data(Object value) throws Exception {
        Field f = value.getClass().getDeclaredField("data");
        f.setAccessible(true);
        return f.get(value);
    }

    @Test
    void intsetUsesTheNarrowestArrayAndOnlyWidens() throws Exception {
        SetValue s = SetValue.forMember(Bytes.of("1"));
        for (String m : List.of("3", "-32768", "32767", "1")) {
            s.add(Bytes.of(m), 512);
        }
        assertArrayEquals(new short[] {-32768, 1, 3, 32767}, (short[]) data(s));
        s.add(Bytes.of("32768"), 512);
        assertArrayEquals(new int[] {-32768, 1, 3, 32767, 32768}, (int[]) data(s));
        s.add(Bytes.of("-2147483649"), 512);
        assertArrayEquals(new long[] {-2147483649L, -32768, 1, 3, 32767, 32768}, (long[]) data(s));
        assertTrue(s.remove(Bytes.of("-2147483649")));
        assertInstanceOf(long[].class, data(s), "like Redis, an intset never narrows");
        assertFalse(s.contains(Bytes.of("99999999999")));
        assertTrue(s.contains(Bytes.of("32768")));
        assertEquals("intset", s.encoding());
        SetValue copy = s.copy();
        copy.add(Bytes.of("7"), 512);
        assertEquals(5, s.size(), "a copy is independent");
        assertEquals(6, copy.size());
    }

    @Test
    void listpackHashIsOnePackedArrayWithVarintLengths() throws Exception {
        HashValue h = new HashValue();
        byte[] longValue = "v".repeat(300).getBytes();
        assertTrue(h.set(Bytes.of("a"), Bytes.of("1")));
        assertTrue(h.set(Bytes.of("b"), longValue));
        assertFalse(h.set(Bytes.of("a"), Bytes.of("22")));
        byte[] packed = assertInstanceOf(byte[].class, data(h));
        assertEquals(1 + 1 + 1 + 2 + 1 + 1 + 2 + 300, packed.length);
        assertEquals(2, h.size());
        assertArrayEquals(longValue, h.get(Bytes.of("b")));
        assertArrayEquals(Bytes.of("22"), h.get(Bytes.of("a")));
        assertNull(h.get(Bytes.of("c")));
        List<String> seen = new ArrayList<>();
        h.forEach((fb, fo, fl, vb, vo, vl) -> seen.add(new String(fb, fo, fl) + "=" + vl));
        assertEquals(List.of("a=2", "b=300"), seen);
        assertTrue(h.delete(Bytes.of("a")));
        assertEquals(1, h.size());
        HashValue copy = h.copy();
        h.convertToHashtable();
        assertEquals("hashtable", h.encoding());
        assertArrayEquals(longValue, h.get(Bytes.of("b")));
        assertEquals("listpack", copy.encoding());
        assertArrayEquals(longValue, copy.get(Bytes.of("b")));
    }
}
