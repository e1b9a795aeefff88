package io.jredis.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommandEncoderTest {
    private static String text(CommandEncoder e) {
        return new String(e.array(), 0, e.length(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void lengthsAtEveryDigitCountBoundary() {
        long[] ns = {0, 9, 10, 99, 100, 999_999_999, 1_000_000_000, 999_999_999_999_999_999L,
            1_000_000_000_000_000_000L, Long.MAX_VALUE};
        for (long n : ns) {
            CommandEncoder e = new CommandEncoder(1);
            e.header('*', n);
            assertEquals("*" + n + "\r\n", text(e));
        }
    }

    @Test
    void commandsAppendAndGrowFromATinyBuffer() {
        CommandEncoder e = new CommandEncoder(1);
        byte[] big = new byte[1000];
        e.command(new byte[][] {"SET".getBytes(), "k".getBytes(), big});
        e.command(new byte[][] {"PING".getBytes()});
        String expected = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n" + "\0".repeat(1000) + "\r\n*1\r\n$4\r\nPING\r\n";
        assertEquals(expected, text(e));
        byte[] taken = e.take();
        assertEquals(expected, new String(taken, StandardCharsets.ISO_8859_1));
        assertEquals(0, e.length());
    }

    @Test
    void clearDropsAnOversizedBuffer() {
        CommandEncoder e = new CommandEncoder(16);
        e.command(new byte[][] {new byte[100_000]});
        e.clear(64 * 1024);
        assertEquals(0, e.length());
        assertEquals(4096, e.array().length);
        e.raw("#TS:1\r\n");
        assertEquals("#TS:1\r\n", text(e));
    }
}
