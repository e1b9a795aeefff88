package io.jredis.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The backlog's offsets and contents across wrap-around and resizing, as Redis numbers them. */
class BacklogTest {
    private static void feed(Backlog b, String s) {
        ByteBuf buf = Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
        b.feed(buf);
        buf.release();
    }

    private static String from(Backlog b, long offset) {
        return b.from(offset).toString(StandardCharsets.US_ASCII);
    }

    @Test
    void offsetsAndWrapAround() {
        Backlog b = new Backlog(16, 100);
        assertEquals(101, b.firstByteOffset());
        assertEquals(0, b.histlen());
        assertTrue(b.covers(101));
        assertFalse(b.covers(102));
        feed(b, "0123456789");
        assertEquals(110, b.masterOffset());
        assertEquals("3456789", from(b, 104));
        feed(b, "abcdefghijklmnopqrst");
        assertEquals(130, b.masterOffset());
        assertEquals(16, b.histlen());
        assertEquals(115, b.firstByteOffset());
        assertFalse(b.covers(114));
        assertTrue(b.covers(131));
        assertEquals("efghijklmnopqrst", from(b, 115));
        assertEquals("st", from(b, 129));
        assertEquals("", from(b, 131));
    }

    @Test
    void resizeKeepsTheNewestBytes() {
        Backlog b = new Backlog(16, 0);
        feed(b, "abcdefghijklmnopqrstuvwxyz");
        b.resize(4);
        assertEquals(26, b.masterOffset());
        assertEquals(23, b.firstByteOffset());
        assertEquals("wxyz", from(b, 23));
        b.resize(8);
        feed(b, "12");
        assertEquals("wxyz12", from(b, 23));
    }

    @Test
    void keepFromHoldsOlderBytesUntilReleased() {
        Backlog b = new Backlog(4, 0);
        feed(b, "abc");
        b.keepFrom(2);
        feed(b, "0123456789".repeat(4000));
        assertEquals(40_002, b.histlen());
        assertEquals("bc0123", from(b, 2).substring(0, 6));
        b.keepFrom(Long.MAX_VALUE);
        feed(b, "xy");
        assertEquals(4, b.histlen());
        assertEquals("89xy", from(b, 40_002));
    }
}
