package io.jredis.server;

import io.jredis.server.util.BytesKey;
import io.jredis.server.util.Glob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channels, patterns and shard channels with their subscribers (Redis's pubsub.c). Messages are written straight
 * into each receiver's reply buffer and go out with the batch flush.
 */
public final class PubSub {
    /** The three kinds of subscription, with the words their replies use. */
    public enum Kind {
        CHANNEL("subscribe", "unsubscribe", "message"),
        PATTERN("psubscribe", "punsubscribe", "pmessage"),
        SHARD("ssubscribe", "sunsubscribe", "smessage");

        final String subscribeWord;
        final String unsubscribeWord;
        final String messageWord;

        Kind(String sub, String unsub, String msg) {
            this.subscribeWord = sub;
            this.unsubscribeWord = unsub;
            this.messageWord = msg;
        }
    }

    private final Map<Kind, Map<BytesKey, LinkedHashSet<Client>>> subscribers = new HashMap<>();

    PubSub() {
        for (Kind k : Kind.values()) {
            subscribers.put(k, new LinkedHashMap<>());
        }
    }

    /** Subscribes and writes the confirmation; the count is the client's total after it, as Redis reports it. */
    public void subscribe(Client c, Kind kind, byte[] name) {
        BytesKey k = new BytesKey(name);
        if (c.subscriptions(kind).add(k)) {
            subscribers.get(kind).computeIfAbsent(k, x -> new LinkedHashSet<>()).add(c);
        }
        confirm(c, kind.subscribeWord, name, kind);
    }

    /** Unsubscribes from the given names, or from all of this kind when none are given. */
    public void unsubscribe(Client c, Kind kind, List<byte[]> names) {
        List<byte[]> targets = names;
        if (targets.isEmpty()) {
            targets = new ArrayList<>();
            for (BytesKey k : c.subscriptions(kind)) {
                targets.add(k.bytes());
            }
            if (targets.isEmpty()) {
                confirm(c, kind.unsubscribeWord, null, kind);
                return;
            }
        }
        for (byte[] name : targets) {
            remove(c, kind, new BytesKey(name));
            confirm(c, kind.unsubscribeWord, name, kind);
        }
    }

    private void remove(Client c, Kind kind, BytesKey k) {
        if (c.subscriptions(kind).remove(k)) {
            Set<Client> set = subscribers.get(kind).get(k);
            if (set != null) {
                set.remove(c);
                if (set.isEmpty()) {
                    subscribers.get(kind).remove(k);
                }
            }
        }
    }

    private static void confirm(Client c, String word, byte[] name, Kind kind) {
        boolean was = c.pushing(true);
        c.reply().push(3);
        c.reply().bulk(word);
        c.reply().bulk(name);
        c.reply().integer(kind == Kind.SHARD ? c.subscriptions(Kind.SHARD).size() : c.subscriptionCount());
        c.pushing(was);
    }

    private static void message(Client c, Kind kind, byte[] pattern, byte[] channel, byte[] message) {
        boolean was = c.pushing(true);
        c.reply().push(pattern == null ? 3 : 4);
        c.reply().bulk(kind.messageWord);
        if (pattern != null) {
            c.reply().bulk(pattern);
        }
        c.reply().bulk(channel);
        c.reply().bulk(message);
        c.pushing(was);
    }

    /** Drops every subscription of a client that goes away (or is RESET), without replies. */
    public void removeClient(Client c) {
        for (Kind kind : Kind.values()) {
            for (BytesKey k : new ArrayList<>(c.subscriptions(kind))) {
                remove(c, kind, k);
            }
        }
    }

    /** PUBLISH: delivers to channel subscribers and matching patterns; returns the number of receivers. */
    public int publish(byte[] channel, byte[] message) {
        int receivers = 0;
        Set<Client> direct = subscribers.get(Kind.CHANNEL).get(new BytesKey(channel));
        if (direct != null) {
            for (Client c : direct) {
                message(c, Kind.CHANNEL, null, channel, message);
                receivers++;
            }
        }
        for (Map.Entry<BytesKey, LinkedHashSet<Client>> e : subscribers.get(Kind.PATTERN).entrySet()) {
            byte[] pattern = e.getKey().bytes();
            if (!Glob.match(pattern, channel, false)) {
                continue;
            }
            for (Client c : e.getValue()) {
                message(c, Kind.PATTERN, pattern, channel, message);
                receivers++;
            }
        }
        return receivers;
    }

    /** SPUBLISH: delivers to shard-channel subscribers only. */
    public int publishShard(byte[] channel, byte[] message) {
        Set<Client> direct = subscribers.get(Kind.SHARD).get(new BytesKey(channel));
        if (direct == null) {
            return 0;
        }
        for (Client c : direct) {
            message(c, Kind.SHARD, null, channel, message);
        }
        return direct.size();
    }

    /** Active channels (with at least one subscriber) of a kind, optionally filtered by a glob. */
    public List<byte[]> active(Kind kind, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (BytesKey k : subscribers.get(kind).keySet()) {
            if (pattern == null || Glob.match(pattern, k.bytes(), false)) {
                out.add(k.bytes());
            }
        }
        return out;
    }

    public int subscriberCount(Kind kind, byte[] name) {
        Set<Client> s = subscribers.get(kind).get(new BytesKey(name));
        return s == null ? 0 : s.size();
    }

    /** Number of distinct patterns subscribed (PUBSUB NUMPAT, INFO pubsub_patterns). */
    public int patternCount() {
        return subscribers.get(Kind.PATTERN).size();
    }

    public int channelCount(Kind kind) {
        return subscribers.get(kind).size();
    }
}
