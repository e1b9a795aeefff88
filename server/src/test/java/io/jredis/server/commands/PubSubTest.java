package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.TestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pub/sub between connections: delivery order, patterns, RESP3 pushes, cleanup on disconnect. */
class PubSubTest {

    @Test
    void messagesArriveInPublishOrderWithPatternsAfterChannels() throws Exception {
        try (TestServer s = TestServer.start(); RawClient sub = new RawClient(s.host(), s.port());
                RawClient pub = new RawClient(s.host(), s.port())) {
            assertEquals("[subscribe, news.tech, 1]", RespParser.toText(sub.call("SUBSCRIBE", "news.tech")));
            assertEquals("[psubscribe, news.*, 2]", RespParser.toText(sub.call("PSUBSCRIBE", "news.*")));
            assertEquals(2L, pub.call("PUBLISH", "news.tech", "m1"));
            assertEquals(1L, pub.call("PUBLISH", "news.art", "m2"));
            assertEquals(0L, pub.call("PUBLISH", "other", "m3"));
            assertEquals("[message, news.tech, m1]", RespParser.toText(sub.read()));
            assertEquals("[pmessage, news.*, news.tech, m1]", RespParser.toText(sub.read()));
            assertEquals("[pmessage, news.*, news.art, m2]", RespParser.toText(sub.read()));
            assertEquals("[news.tech, 1]", RespParser.toText(pub.call("PUBSUB", "NUMSUB", "news.tech")));
            assertEquals(1L, pub.call("PUBSUB", "NUMPAT"));
        }
    }

    /** PUBLISH changes no data: it does not count as a change for the save points, as in Redis. */
    @Test
    void publishingIsNoChangeToSave() throws Exception {
        RealRedis.assumeInstalled();
        try (RealRedis real = RealRedis.start(); TestServer s = TestServer.start();
                RawClient theirs = new RawClient("127.0.0.1", real.port());
                RawClient ours = new RawClient(s.host(), s.port())) {
            for (RawClient c : new RawClient[] {theirs, ours}) {
                c.call("PUBLISH", "ch", "m");
                c.call("SPUBLISH", "ch", "m");
                c.call("EVAL", "redis.call('publish', 'ch', 'm')", "0");
            }
            assertEquals(theirs.infoLong("persistence", "rdb_changes_since_last_save"),
                    ours.infoLong("persistence", "rdb_changes_since_last_save"));
        }
    }

    @Test
    void disconnectingSubscriberIsForgotten() throws Exception {
        try (TestServer s = TestServer.start(); RawClient pub = new RawClient(s.host(), s.port())) {
            RawClient sub = new RawClient(s.host(), s.port());
            sub.call("SUBSCRIBE", "c");
            assertEquals(1L, pub.call("PUBLISH", "c", "x"));
            sub.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!"[c, 0]".equals(RespParser.toText(pub.call("PUBSUB", "NUMSUB", "c")))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("subscription survived its connection");
                }
                Thread.onSpinWait();
            }
            assertEquals(0L, pub.call("PUBLISH", "c", "y"));
        }
    }

    @Test
    void lettuceReceivesPushMessagesOverResp3() throws Exception {
        try (TestServer s = TestServer.start(); RawClient pub = new RawClient(s.host(), s.port())) {
            RedisClient client = RedisClient.create("redis://" + s.host() + ":" + s.port());
            try (StatefulRedisPubSubConnection<String, String> conn = client.connectPubSub()) {
                BlockingQueue<String> got = new LinkedBlockingQueue<>();
                conn.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        got.add(channel + "=" + message);
                    }
                });
                conn.sync().subscribe("events");
                // RESP3 lets a subscribed connection run ordinary commands.
                assertEquals("PONG", conn.sync().ping());
                pub.call("PUBLISH", "events", "one");
                pub.call("PUBLISH", "events", "two");
                assertEquals("events=one", got.poll(5, TimeUnit.SECONDS));
                assertEquals("events=two", got.poll(5, TimeUnit.SECONDS));
                assertEquals("[events]", RespParser.toText(pub.call("PUBSUB", "CHANNELS")));
            } finally {
                client.shutdown();
            }
        }
    }
}
