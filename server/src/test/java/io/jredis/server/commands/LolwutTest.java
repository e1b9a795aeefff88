package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * LOLWUT VERSION 5 and 6 draw random art, so jredis and redis-server are compared by shape: the number of lines, the
 * width of every line, the characters used and the trailer. The deterministic replies are in lolwut.redis.
 */
class LolwutTest {
    private static final String SCHOTTER_TRAILER =
            "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n";
    private static final String SKYLINE_TRAILER = "\nDedicated to the 8 bit game developers of past and present.\n"
            + "Original 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15\n";
    private static final Pattern CELL = Pattern.compile("\033\\[(0;30;40m|0;90;100m|0;37;47m|0;97;107m) \033\\[0m");

    private static String text(RawClient c, String... args) throws Exception {
        Object r = c.call(args);
        assertTrue(r instanceof byte[], () -> "not a bulk reply: " + RawClient.text(r));
        return new String((byte[]) r, StandardCharsets.UTF_8);
    }

    /** The drawing's lines, after checking and removing the trailer. */
    private static List<String> art(String reply, String trailer) {
        assertTrue(reply.endsWith(trailer), reply);
        return Arrays.asList(reply.substring(0, reply.length() - trailer.length()).split("\n", -1));
    }

    private static int[] brailleWidths(List<String> lines) {
        int[] w = new int[lines.size()];
        for (int i = 0; i < w.length; i++) {
            String l = lines.get(i);
            for (int k = 0; k < l.length(); k++) {
                char ch = l.charAt(k);
                assertTrue(ch >= 0x2800 && ch <= 0x28FF, "not a Braille character: " + (int) ch);
            }
            w[i] = l.length();
        }
        return w;
    }

    private static int[] cellWidths(List<String> lines) {
        int[] w = new int[lines.size()];
        for (int i = 0; i < w.length; i++) {
            Matcher m = CELL.matcher(lines.get(i));
            int end = 0;
            while (m.find()) {
                assertEquals(end, m.start(), "unexpected bytes in line " + i);
                end = m.end();
                w[i]++;
            }
            assertEquals(lines.get(i).length(), end, "unexpected bytes at the end of line " + i);
        }
        return w;
    }

    @Test
    void schotterAndSkylineHaveRedisShapes() throws Exception {
        RealRedis.assumeInstalled();
        String[][] schotter = {{}, {"1"}, {"3"}, {"40", "5"}, {"66", "8", "12"}, {"0", "0", "0"}, {"2000", "300", "1"},
            {"7", "1", "30"}, {"100", "13", "7"}, {"5", "250", "250"}};
        String[][] skyline = {{}, {"1"}, {"1", "1"}, {"10", "3"}, {"200", "50"}, {"-5", "2000"}, {"33", "17"}};
        try (RealRedis real = RealRedis.start(); TestServer s = TestServer.start();
                RawClient r = new RawClient("127.0.0.1", real.port()); RawClient j = new RawClient(s.host(), s.port())) {
            assertSameWidths(r, j, "5", schotter, SCHOTTER_TRAILER, LolwutTest::brailleWidths);
            assertSameWidths(r, j, "6", skyline, SKYLINE_TRAILER, LolwutTest::cellWidths);
        }
    }

    @Test
    void schotterStartsWithTwoStraightRows() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis real = RealRedis.start(); TestServer s = TestServer.start();
                RawClient r = new RawClient("127.0.0.1", real.port()); RawClient j = new RawClient(s.host(), s.port())) {
            // The first two rows of squares are neither rotated nor moved: the top six text lines are fixed.
            List<String> expected = art(text(r, "LOLWUT", "VERSION", "5"), SCHOTTER_TRAILER);
            List<String> actual = art(text(j, "LOLWUT", "VERSION", "5"), SCHOTTER_TRAILER);
            assertEquals(expected.subList(0, 6), actual.subList(0, 6));
            assertEquals(50, actual.size());
        }
    }

    @Test
    void drawingsAreRandomAndVerbatimInResp3() throws Exception {
        try (TestServer s = TestServer.start(); RawClient j = new RawClient(s.host(), s.port())) {
            String first = text(j, "LOLWUT", "VERSION", "6");
            boolean differs = false;
            for (int i = 0; i < 20 && !differs; i++) {
                differs = !first.equals(text(j, "LOLWUT", "VERSION", "6"));
            }
            assertTrue(differs, "twenty skylines were all the same");
            j.call("HELLO", "3");
            byte[] raw = j.callRaw("LOLWUT".getBytes(StandardCharsets.US_ASCII));
            assertEquals("=22\r\ntxt:Redis ver. 7.0.15\n\r\n", new String(raw, StandardCharsets.UTF_8));
            String v5 = new String(j.callRaw("LOLWUT".getBytes(StandardCharsets.US_ASCII),
                    "VERSION".getBytes(StandardCharsets.US_ASCII), "5".getBytes(StandardCharsets.US_ASCII)),
                    StandardCharsets.UTF_8);
            assertTrue(v5.startsWith("=") && v5.contains("\r\ntxt:") && v5.endsWith(SCHOTTER_TRAILER + "\r\n"), v5);
        }
    }

    /**
     * LOLWUT VERSION {@code version} with each of {@code extras} on both servers: the art's lines (without
     * {@code trailer}) must have the same {@code widths}.
     */
    private static void assertSameWidths(RawClient r, RawClient j, String version, String[][] extras, String trailer,
            Function<List<String>, int[]> widths) throws Exception {
        for (String[] extra : extras) {
            String[] cmd = concat(new String[] {"LOLWUT", "VERSION", version}, extra);
            List<String> expected = art(text(r, cmd), trailer);
            List<String> actual = art(text(j, cmd), trailer);
            assertEquals(Arrays.toString(widths.apply(expected)), Arrays.toString(widths.apply(actual)),
                    String.join(" ", cmd));
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
