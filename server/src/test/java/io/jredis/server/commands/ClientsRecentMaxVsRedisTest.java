package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.ServerPair;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * INFO clients' client_recent_max_input_buffer and client_recent_max_output_buffer compared with a real
 * redis-server: the biggest query buffer allocation (plus arguments) and reply list any client held in the last
 * seconds, as Redis's clientsCron samples them.
 */
class ClientsRecentMaxVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    private static final int MB = 1 << 20;

    @Test
    void recentMaxBuffersFollowTheBiggestClients() throws IOException {
        List<List<Long>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            List<Long> seen = new ArrayList<>();
            try (RawClient c = new RawClient("127.0.0.1", port); Socket slow = new Socket("127.0.0.1", port);
                    Socket deaf = new Socket()) {
                // A client that sent a command holds a 16 KB read buffer: 20480 bytes allocated.
                // (A connection that sent nothing yet holds an empty one: 8 bytes.)
                c.call("PING");
                Await.until("a used query buffer sampled on " + port, 5, () -> input(c) > 8);
                seen.add(input(c));
                // Half of a 1 MB argument: the query buffer Redis sized for the whole argument.
                OutputStream out = slow.getOutputStream();
                out.write(("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + MB + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[MB / 2]);
                out.flush();
                Await.until("a big query buffer sampled on " + port, 5, () -> input(c) > 1_000_000);
                seen.add(input(c));
                // Replies of 4 MB a client does not read: held in the reply list.
                byte[] big = new byte[4 * MB];
                Arrays.fill(big, (byte) 'v');
                c.callRaw(bytes("SET"), bytes("big"), big);
                deaf.setReceiveBufferSize(4096);
                deaf.connect(new InetSocketAddress("127.0.0.1", port));
                for (int i = 0; i < 3; i++) {
                    deaf.getOutputStream().write(RawClient.encode(RawClient.args("GET", "big")));
                }
                Await.until("a big reply list sampled on " + port, 5, () -> output(c) >= 4 * MB);
                seen.add(output(c));
            }
            sides.add(seen);
        }
        List<Long> redis = sides.get(0);
        List<Long> ours = sides.get(1);
        assertEquals(20480L, redis.get(0), "redis-server: " + redis);
        assertEquals(redis.get(0), ours.get(0), "a used query buffer");
        // Redis adds the partial request's parsed arguments (SET, k: 4 bytes and their array) to the 1.25 MB size
        // class; jredis's decoder does not count them apart.
        assertTrue(ours.get(1) >= 1_310_720 && ours.get(1) <= redis.get(1), ours + " vs " + redis);
        assertTrue(ours.get(2) >= 4 * MB && ours.get(2) <= redis.get(2), ours + " vs " + redis);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static long input(RawClient c) {
        return c.infoLong("clients", "client_recent_max_input_buffer");
    }

    private static long output(RawClient c) {
        return c.infoLong("clients", "client_recent_max_output_buffer");
    }
}
