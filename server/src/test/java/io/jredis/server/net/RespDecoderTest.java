package io.jredis.server.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder parses a request that arrived whole from one copy of its bytes, and any other from the buffer: both
 * paths must decode every input alike, so each input is fed whole and then one byte per read (which never leaves a
 * whole request in the buffer) and the results compared.
 */
class RespDecoderTest {
    private static final class TestLimits implements RespDecoder.Limits {
        final boolean authenticated;

        TestLimits(boolean authenticated) {
            this.authenticated = authenticated;
        }

        @Override
        public long protoMaxBulkLen() {
            return 512L * 1024 * 1024;
        }

        @Override
        public long queryBufferLimit() {
            return 1L << 30;
        }

        @Override
        public boolean authenticated() {
            return authenticated;
        }

        @Override
        public void readBegins(int bytes) {}

        @Override
        public void readEnds() {}
    }

    private static List<String> decode(byte[] input, boolean authenticated, boolean bytePerRead) {
        List<Object> parsed = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new RespDecoder(new TestLimits(authenticated), parsed::add));
        if (bytePerRead) {
            for (byte b : input) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            ch.writeInbound(Unpooled.wrappedBuffer(input));
        }
        List<String> out = new ArrayList<>();
        for (Object m : parsed) {
            if (m instanceof byte[][] argv) {
                StringBuilder sb = new StringBuilder("argv");
                for (byte[] a : argv) {
                    sb.append(' ').append(Arrays.toString(a));
                }
                out.add(sb.toString());
            } else if (m instanceof RespDecoder.ProtocolError err) {
                // Not the dump: it shows what was buffered at the error, which depends on how the bytes arrived.
                out.add("ProtocolError " + err.message() + " (" + err.reason() + ")");
            } else {
                out.add(m.toString());
            }
        }
        ch.finishAndReleaseAll();
        return out;
    }

    private static List<String> same(String input, boolean authenticated) {
        byte[] b = input.getBytes(StandardCharsets.ISO_8859_1);
        List<String> whole = decode(b, authenticated, false);
        assertEquals(decode(b, authenticated, true), whole, input);
        return whole;
    }

    @Test
    void wellFormedRequestsDecodeAlikeWholeOrBytePerRead() {
        List<String> out = same("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n"
                + "*2\r\n$3\r\nGET\r\n$0\r\n\r\n", true);
        assertEquals(List.of("argv [83, 69, 84] [107] [118, 97, 108, 117, 101]", "argv [80, 73, 78, 71]",
                "argv [71, 69, 84] []"), out);
        // Inline, empty and negative counts, unchecked bytes after a payload and after a length's CR, as Redis.
        assertEquals(5, same("*2\r\n$3\r\nGET\r\n$1\r\na\r\nPING\r\n*0\r\n*1\r\n$4\r\nPING\r\n"
                + "*1\r\n$4\r\nPINGxx*-1\r\n*1\r\n$4\rxPING\r\n", true).size());
    }

    @Test
    void pipelinedRequestsAcrossTheCopiedWindowDecodeAlike() {
        // Requests of growing size, so that many of them straddle the end of one copy of the input; inline ones and
        // one larger than the copy are mixed in.
        StringBuilder in = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String v = "v".repeat(i % 97);
            in.append("*3\r\n$3\r\nSET\r\n$").append(String.valueOf(i).length()).append("\r\n").append(i)
                    .append("\r\n$").append(v.length()).append("\r\n").append(v).append("\r\n");
            expected.add("argv " + Arrays.toString("SET".getBytes()) + " " + Arrays.toString(String.valueOf(i)
                    .getBytes()) + " " + Arrays.toString(v.getBytes()));
            if (i % 50 == 7) {
                in.append("PING\r\n");
                expected.add("argv " + Arrays.toString("PING".getBytes()));
            }
            if (i == 150) {
                String big = "b".repeat(3000);
                in.append("*2\r\n$4\r\nECHO\r\n$3000\r\n").append(big).append("\r\n");
                expected.add("argv " + Arrays.toString("ECHO".getBytes()) + " " + Arrays.toString(big.getBytes()));
            }
        }
        assertEquals(expected, same(in.toString(), true));
    }

    @Test
    void malformedRequestsGiveTheSameErrorsWholeOrBytePerRead() {
        for (String bad : new String[] {"*01\r\n$4\r\nPING\r\n", "*1\r\n$04\r\nPING\r\n", "*1\r\n+4\r\nPING\r\n",
            "*1\r\n$-1\r\n", "*1\r\n$4x\r\nPING\r\n", "*2\r\n$3\r\nGET\r\n$9999999999\r\n", "*1x\r\n",
"*3\r\n$3\r\nGET\r\n$1\r\na\r\n$\r\n"}) {
            List<String> out = same(bad, true);
            assertEquals(true, out.get(out.size() - 1).startsWith("ProtocolError"), bad + " -> " + out);
        }
    }

    @Test
    void unauthenticatedLimitsApplyOnBothPaths() {
        StringBuilder many = new StringBuilder("*11\r\n");
        for (int i = 0; i < 11; i++) {
            many.append("$1\r\nx\r\n");
        }
        assertEquals(List.of("argv" + " [120]".repeat(11)), same(many.toString(), true));
        assertEquals(true, same(many.toString(), false).get(0).contains("unauthenticated multibulk length"));
        String big = "*2\r\n$4\r\nECHO\r\n$16385\r\n" + "y".repeat(16385) + "\r\n";
        assertEquals(true, same(big, false).get(0).contains("unauthenticated bulk length"));
        assertEquals(1, same(big, true).size());
    }
}
