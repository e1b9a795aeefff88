package io.jredis.server.commands;

import static io.jredis.server.testing.ReplyComparison.check;
import static io.jredis.server.testing.ReplyComparison.onBoth;

import io.jredis.server.testing.ReplyComparison.Compare;
import io.jredis.server.testing.ReplyComparison.Op;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * XINFO STREAM against a real redis-server in RESP2 and RESP3: its first and last entries and edge IDs on empty
 * streams, after XDEL and XTRIM, with groups, and with ID parts past 2^63 (written unsigned).
 */
class StreamInfoDifferentialTest {
    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void xinfoStreamMatchesRedis(int protocol) throws Exception {
        onBoth(protocol, (real, mine) -> {
            String script = """
                    XINFO STREAM nosuch
                    XADD xe 5-1 f v
                    XADD xe 5-2 f v
                    XADD xe 9223372036854775807-9223372036854775808 f v
                    XINFO STREAM xe
                    XADD xe 9223372036854775808-0 f v
                    XADD xe 18446744073709551615-1 f v
                    XINFO STREAM xe
                    XRANGE xe - +
                    XDEL xe 5-1 18446744073709551615-1
                    XINFO STREAM xe
                    XGROUP CREATE xe g1 0
                    XGROUP CREATE xe g2 $
                    XREADGROUP GROUP g1 c1 COUNT 1 STREAMS xe >
                    XINFO STREAM xe
                    XDEL xe 5-2 9223372036854775807-9223372036854775808 9223372036854775808-0
                    XINFO STREAM xe
                    XADD xt 1-1 f v
                    XADD xt 2-1 f v
                    XTRIM xt MAXLEN 0
                    XINFO STREAM xt
                    XADD xt 3-1 f v
                    XINFO STREAM xt
                    XADD xm MAXLEN 0 7-7 f v
                    XINFO STREAM xm
                    XINFO STREAM xm FULL
                    """;
            for (String line : script.strip().split("\n")) {
                check(real, mine, new Op(Compare.EXACT, line.split(" ")), "RESP" + protocol);
            }
        });
    }
}
