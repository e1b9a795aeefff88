package io.jredis.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The bytes {@link Reply} writes, in RESP2 and RESP3, compared with what Redis 7.0.15 sends for the same reply kind
 * (captured from redis-server with HELLO 2 / HELLO 3 and Lua's typed replies).
 */
class ReplyEncodingTest {
    private static String encode(int protocol, Consumer<Reply> writer) {
        ByteBuf buf = Unpooled.buffer();
        try {
            Reply r = new Reply(() -> buf);
            r.protocol(protocol);
            writer.accept(r);
            return buf.toString(StandardCharsets.ISO_8859_1);
        } finally {
            buf.release();
        }
    }

    private static void both(String resp2, String resp3, Consumer<Reply> writer) {
        assertEquals(resp2, encode(2, writer), "RESP2");
        assertEquals(resp3, encode(3, writer), "RESP3");
    }

    @Test
    void scalars() {
        both("+OK\r\n", "+OK\r\n", Reply::ok);
        both("+PONG\r\n", "+PONG\r\n", r -> r.simple("PONG"));
        both(":0\r\n", ":0\r\n", r -> r.integer(0));
        both(":127\r\n", ":127\r\n", r -> r.integer(127));
        both(":128\r\n", ":128\r\n", r -> r.integer(128));
        both(":-1\r\n", ":-1\r\n", r -> r.integer(-1));
        both(":9223372036854775807\r\n", ":9223372036854775807\r\n", r -> r.integer(Long.MAX_VALUE));
        both(":-9223372036854775808\r\n", ":-9223372036854775808\r\n", r -> r.integer(Long.MIN_VALUE));
        both(":1000000000000000000\r\n", ":1000000000000000000\r\n", r -> r.integer(1_000_000_000_000_000_000L));
        both("$3\r\nabc\r\n", "$3\r\nabc\r\n", r -> r.bulk("abc".getBytes(StandardCharsets.US_ASCII)));
        both("$0\r\n\r\n", "$0\r\n\r\n", r -> r.bulk(new byte[0]));
        both("$2\r\n42\r\n", "$2\r\n42\r\n", r -> r.bulk(42));
        both("$-1\r\n", "_\r\n", Reply::nullBulk);
        both("*-1\r\n", "_\r\n", Reply::nullArray);
        both("$-1\r\n", "_\r\n", r -> r.bulk((byte[]) null));
    }

    @Test
    void bulkLengthsOfEveryWidth() {
        for (int len : new int[] {9, 10, 99, 100, 12345, 100_000}) {
            byte[] v = new byte[len];
            String out = encode(2, r -> r.bulk(v));
            assertEquals("$" + len + "\r\n", out.substring(0, out.indexOf('\n') + 1));
            assertEquals(len + Integer.toString(len).length() + 5, out.length());
        }
    }

    @Test
    void errorsAndStatusesHaveNewlinesReplacedBySpaces() {
        // Seen: EVAL "return redis.status_reply('a\r\nb')" 0 -> +a  b ; error_reply -> -ERR a  b
        both("+a  b\r\n", "+a  b\r\n", r -> r.simple("a\r\nb"));
        both("-ERR a  b\r\n", "-ERR a  b\r\n", r -> r.error("ERR a\r\nb"));
        both("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                r -> r.error("WRONGTYPE Operation against a key holding the wrong kind of value"));
    }

    @Test
    void doubles() {
        // Seen: ZSCORE 1.5 -> ,1.5 ; inf -> ,inf ; ZINCRBY 0.1 -> ,1.6000000000000001 ; -0.0 -> ,-0 ; 1e300.
        both("$3\r\n1.5\r\n", ",1.5\r\n", r -> r.dbl(1.5));
        both("$3\r\ninf\r\n", ",inf\r\n", r -> r.dbl(Double.POSITIVE_INFINITY));
        both("$4\r\n-inf\r\n", ",-inf\r\n", r -> r.dbl(Double.NEGATIVE_INFINITY));
        both("$18\r\n1.6000000000000001\r\n", ",1.6000000000000001\r\n", r -> r.dbl(1.5 + 0.1));
        both("$2\r\n-0\r\n", ",-0\r\n", r -> r.dbl(-0.0));
        both("$23\r\n1.0000000000000001e+300\r\n", ",1.0000000000000001e+300\r\n", r -> r.dbl(1e300));
        both("$1\r\n3\r\n", ",3\r\n", r -> r.dbl(3));
    }

    @Test
    void booleansBigNumbersVerbatim() {
        both(":1\r\n", "#t\r\n", r -> r.bool(true));
        both(":0\r\n", "#f\r\n", r -> r.bool(false));
        both("$30\r\n123456789012345678901234567890\r\n", "(123456789012345678901234567890\r\n",
                r -> r.bigNumber("123456789012345678901234567890"));
        // INFO in RESP3 is a verbatim string whose length counts the "txt:" prefix.
        both("$11\r\n# Server\r\nx\r\n", "=15\r\ntxt:# Server\r\nx\r\n", r -> r.verbatim("# Server\r\nx"));
    }

    @Test
    void aggregates() {
        // Seen: Lua {map={a=1}} -> %1 $1 a :1 (RESP3), *2 $1 a :1 (RESP2); {set={a=true}} -> ~1 / *1.
        both("*2\r\n$1\r\na\r\n:1\r\n", "%1\r\n$1\r\na\r\n:1\r\n", r -> {
            r.map(1);
            r.bulk("a");
            r.integer(1);
        });
        both("*1\r\n$1\r\na\r\n", "~1\r\n$1\r\na\r\n", r -> {
            r.set(1);
            r.bulk("a");
        });
        both("*0\r\n", "*0\r\n", r -> r.array(0));
        both("*0\r\n", "%0\r\n", r -> r.map(0));
        both("*0\r\n", "~0\r\n", r -> r.set(0));
        // Pub/sub messages: an array in RESP2, a push in RESP3.
        both("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", r -> {
            r.push(3);
            r.bulk("message");
            r.bulk("ch");
            r.bulk("hi");
        });
    }

    @Test
    void valueTrees() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("server", "redis");
        m.put("proto", 3L);
        m.put("modules", List.of());
        both("*6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n$7\r\nmodules\r\n*0\r\n",
                "%3\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n$7\r\nmodules\r\n*0\r\n", r -> r.value(m));
        Object tree = List.of(new Reply.Status("OK"), new Reply.RespError("ERR x"), 2.5, true,
                new LinkedHashSet<>(List.of("a")), new BigInteger("12"));
        both("*6\r\n+OK\r\n-ERR x\r\n$3\r\n2.5\r\n:1\r\n*1\r\n$1\r\na\r\n$2\r\n12\r\n",
                "*6\r\n+OK\r\n-ERR x\r\n,2.5\r\n#t\r\n~1\r\n$1\r\na\r\n(12\r\n", r -> r.value(tree));
        both("$-1\r\n", "_\r\n", r -> r.value(null));
    }

    @Test
    void encodedRepliesParseBack() {
        Object tree = List.of("x", 5L, List.of("nested", -7L));
        String resp3 = encode(3, r -> r.value(tree));
        List<Object> parsed = RespParser.parseAll(resp3.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(1, parsed.size());
        assertEquals("[x, 5, [nested, -7]]", RespParser.toText(parsed.get(0)));
    }
}
