package io.jredis.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.jredis.server.protocol.RespParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Sends one command to a real redis-server and to jredis and compares the replies: byte for byte, or as sorted
 * elements for replies whose order Redis leaves unspecified (SMEMBERS, HGETALL, SCAN pages, random picks).
 * Used by the seeded random differential tests.
 */
public final class ReplyComparison {
    /** How two replies are compared; errors are always compared byte for byte. */
    public enum Compare { EXACT, SORTED, PAIRS_SORTED, SIZE, SCAN, SCAN_PAIRS }

    /** A command and how its reply is compared. */
    public record Op(Compare compare, String... argv) {
        byte[][] bytes() {
            return RawClient.args(argv);
        }
    }

    private ReplyComparison() {}

    /** A test's body on one connection to each server. */
    @FunctionalInterface
    public interface Pair {
        void run(RawClient real, RawClient mine) throws Exception;
    }

    /**
     * Runs {@code body} on a fresh real redis-server and jredis, one connection each in {@code protocol} (2 or 3);
     * skipped where redis-server is not installed.
     */
    public static void onBoth(int protocol, Pair body) throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis redis = RealRedis.start(); TestServer ours = TestServer.start();
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient mine = new RawClient("127.0.0.1", ours.port())) {
            mine.call("PING");
            if (protocol == 3) {
                real.call("HELLO", "3");
                // HELLO belongs to the connection family; the test's own connection switches directly.
                ours.switchClientsToResp3();
            }
            body.run(real, mine);
        }
    }

    /** Runs {@code op} on both servers and fails the test, naming {@code where}, when the replies differ. */
    public static void check(RawClient real, RawClient mine, Op op, String where) throws Exception {
        byte[] expected = real.callRaw(op.bytes());
        byte[] actual = mine.callRaw(op.bytes());
        if (!same(op.compare(), expected, actual)) {
            fail(where + ": " + String.join(" ", op.argv()) + "\n  redis:  " + DifferentialRunner.show(expected)
                    + "\n  jredis: " + DifferentialRunner.show(actual));
        }
    }

    private static boolean same(Compare how, byte[] expected, byte[] actual) {
        if (how == Compare.EXACT || expected[0] == '-' || actual[0] == '-') {
            return Arrays.equals(expected, actual);
        }
        Object e = RespParser.parseAll(expected).get(0);
        Object a = RespParser.parseAll(actual).get(0);
        if (!(e instanceof Collection<?> ec) || !(a instanceof Collection<?> ac)) {
            return Arrays.equals(expected, actual);
        }
        if (how == Compare.SIZE) {
            return expected[0] == actual[0] && ec.size() == ac.size();
        }
        if (how == Compare.SCAN || how == Compare.SCAN_PAIRS) {
            List<?> el = new ArrayList<>(ec);
            List<?> al = new ArrayList<>(ac);
            return RespParser.toText(el.get(0)).equals(RespParser.toText(al.get(0)))
                    && texts((Collection<?>) el.get(1), how == Compare.SCAN_PAIRS)
                            .equals(texts((Collection<?>) al.get(1), how == Compare.SCAN_PAIRS));
        }
        return texts(ec, how == Compare.PAIRS_SORTED).equals(texts(ac, how == Compare.PAIRS_SORTED));
    }

    private static List<String> texts(Collection<?> items, boolean pairs) {
        List<String> out = new ArrayList<>();
        List<?> list = new ArrayList<>(items);
        for (int i = 0; i < list.size(); i += pairs ? 2 : 1) {
            String t = RespParser.toText(list.get(i));
            out.add(pairs ? t + "=" + RespParser.toText(list.get(i + 1)) : t);
        }
        out.sort(null);
        return out;
    }
}
