package io.jredis.server.db;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A consumer group of a stream (Redis's streamCG): the last delivered ID, the logical read counter, the group's
 * pending entries list (PEL) and its consumers, each with its own PEL sharing the group's {@link Nack}s.
 */
public final class StreamGroup {
    /** entries-read when unknown (SCG_INVALID_ENTRIES_READ). */
    public static final long INVALID_ENTRIES_READ = -1;

    /** A delivered, not yet acknowledged entry (streamNACK). */
    public static final class Nack {
        public long deliveryTime;
        public long deliveryCount;
        public Consumer consumer;

        public Nack(Consumer consumer, long deliveryTime, long deliveryCount) {
            this.consumer = consumer;
            this.deliveryTime = deliveryTime;
            this.deliveryCount = deliveryCount;
        }
    }

    /** A consumer (streamConsumer): its name, when it was last seen, and the entries it holds. */
    public static final class Consumer {
        public final byte[] name;
        public long seenTime;
        public final TreeMap<StreamId, Nack> pel = new TreeMap<>();

        public Consumer(byte[] name, long seenTime) {
            this.name = name;
            this.seenTime = seenTime;
        }
    }

    public StreamId lastId;
    public long entriesRead;
    public final TreeMap<StreamId, Nack> pel = new TreeMap<>();
    /** Consumers in Redis's rax order: unsigned bytes, a prefix before its extensions. */
    public final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

    public StreamGroup(StreamId lastId, long entriesRead) {
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    /** Adds a consumer; null if one with that name exists. */
    public Consumer createConsumer(byte[] name, long now) {
        if (consumers.containsKey(name)) {
            return null;
        }
        Consumer c = new Consumer(name, now);
        consumers.put(name, c);
        return c;
    }

    /** Removes a consumer and its pending entries from the group; returns how many entries it held. */
    public long deleteConsumer(Consumer c) {
        long n = c.pel.size();
        for (StreamId id : c.pel.keySet()) {
            pel.remove(id);
        }
        consumers.remove(c.name);
        return n;
    }

    StreamGroup copy() {
        StreamGroup g = new StreamGroup(lastId, entriesRead);
        for (Consumer c : consumers.values()) {
            Consumer nc = new Consumer(c.name, c.seenTime);
            g.consumers.put(nc.name, nc);
        }
        pel.forEach((id, n) -> {
            Consumer owner = g.consumers.get(n.consumer.name);
            Nack nn = new Nack(owner, n.deliveryTime, n.deliveryCount);
            g.pel.put(id, nn);
            owner.pel.put(id, nn);
        });
        return g;
    }
}
