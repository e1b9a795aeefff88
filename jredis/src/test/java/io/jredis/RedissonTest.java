package io.jredis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.testing.RealRedis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.Redisson;
import org.redisson.api.BatchOptions;
import org.redisson.api.GeoEntry;
import org.redisson.api.GeoOrder;
import org.redisson.api.GeoPosition;
import org.redisson.api.GeoUnit;
import org.redisson.api.RBatch;
import org.redisson.api.RBloomFilter;
import org.redisson.api.RGeo;
import org.redisson.api.RLock;
import org.redisson.api.RMapCache;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RSemaphore;
import org.redisson.api.RTopic;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.api.geo.GeoSearchArgs;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Redisson's objects (most of them Lua scripts, pub/sub and MULTI/EXEC batches underneath) give the same results
 * on jredis as on redis-server 7.0.15: one scenario runs against both and its observations are compared.
 */
class RedissonTest {
    @TempDir
    Path dir;

    @Test
    void objectsBehaveAsOnRealRedis() throws Exception {
        RealRedis.assumeInstalled();
        List<String> expected;
        try (RealRedis redis = RealRedis.start()) {
            expected = scenario(redis.port());
        }
        try (EmbeddedRedis jredis = EmbeddedRedis.builder().port(0).setting("dir", dir.toString())
                .setting("save", "").build().start()) {
            List<String> actual = scenario(jredis.port());
            assertEquals(expected.size(), actual.size(), actual.toString());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), actual.get(i), "observation " + i);
            }
        }
    }

    private static List<String> scenario(int port) throws Exception {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port).setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(4).setSubscriptionConnectionMinimumIdleSize(1).setTimeout(10_000);
        RedissonClient r = Redisson.create(config);
        List<String> seen = new ArrayList<>();
        try {
            var bucket = r.<String>getBucket("bucket");
            bucket.set("v1");
            seen.add("bucket " + bucket.get() + " " + bucket.setIfAbsent("v2") + " " + bucket.getAndSet("v3") + " "
                    + bucket.get());
            bucket.set("ttl", java.time.Duration.ofSeconds(100));
            long ttl = bucket.remainTimeToLive();
            seen.add("bucket ttl " + (ttl > 90_000 && ttl <= 100_000));

            var counter = r.getAtomicLong("counter");
            seen.add("atomic " + counter.incrementAndGet() + " " + counter.addAndGet(10) + " "
                    + counter.compareAndSet(11, 20) + " " + counter.compareAndSet(11, 30) + " " + counter.get());

            var map = r.<String, String>getMap("map");
            seen.add("map " + map.put("a", "1") + " " + map.put("a", "2") + " " + map.fastPut("b", "3") + " "
                    + map.putIfAbsent("b", "4") + " " + map.remove("c") + " "
                    + new TreeMap<>(map.readAllMap()) + " " + map.size());

            RMapCache<String, String> cache = r.getMapCache("cache", StringCodec.INSTANCE);
            cache.put("k1", "v1", 100, TimeUnit.SECONDS);
            cache.put("k2", "v2");
            cache.fastPutIfAbsent("k2", "other", 100, TimeUnit.SECONDS);
            seen.add("mapcache " + cache.get("k1") + " " + cache.get("k2") + " " + cache.size() + " "
                    + new TreeMap<>(cache.readAllMap()) + " " + cache.remove("k1") + " " + cache.size());

            var list = r.<String>getList("list");
            list.addAll(List.of("x", "y", "z"));
            list.add(1, "w");
            seen.add("list " + list.readAll() + " " + list.get(2) + " " + list.indexOf("z") + " " + list.remove("y"));

            var set = r.<String>getSet("set");
            set.addAll(List.of("p", "q", "r"));
            seen.add("set " + new TreeSet<>(set.readAll()) + " " + set.contains("q") + " " + set.remove("q") + " "
                    + set.size());

            RScoredSortedSet<String> zset = r.getScoredSortedSet("zset");
            zset.add(3, "c");
            zset.add(1, "a");
            zset.add(2, "b");
            seen.add("zset " + zset.first() + " " + zset.last() + " " + zset.rank("b") + " " + zset.getScore("c")
                    + " " + zset.addScore("a", 10) + " " + zset.readAll() + " " + zset.valueRange(0, 1));

            var deque = r.<String>getDeque("deque");
            deque.addFirst("1");
            deque.addLast("2");
            deque.addFirst("0");
            seen.add("deque " + deque.readAll() + " " + deque.pollLast() + " " + deque.peekFirst());

            RGeo<String> geo = r.getGeo("geo");
            geo.add(new GeoEntry(13.361389, 38.115556, "Palermo"), new GeoEntry(15.087269, 37.502669, "Catania"));
            GeoPosition palermo = geo.pos("Palermo").get("Palermo");
            seen.add("geo " + geo.dist("Palermo", "Catania", GeoUnit.METERS) + " " + palermo.getLongitude() + ","
                    + palermo.getLatitude() + " " + geo.hash("Palermo", "Catania") + " "
                    + geo.search(GeoSearchArgs.from(15, 37).radius(200, GeoUnit.KILOMETERS).order(GeoOrder.ASC)));

            var hll = r.<String>getHyperLogLog("hll");
            hll.addAll(List.of("a", "b", "c", "a"));
            seen.add("hll " + hll.count());

            var bits = r.getBitSet("bits");
            bits.set(3);
            bits.set(10);
            seen.add("bitset " + bits.get(3) + " " + bits.get(4) + " " + bits.cardinality() + " " + bits.length());

            RBloomFilter<String> bloom = r.getBloomFilter("bloom");
            seen.add("bloom " + bloom.tryInit(1000, 0.01) + " " + bloom.add("x") + " " + bloom.contains("x") + " "
                    + bloom.contains("never") + " " + bloom.count());

            RLock lock = r.getLock("lock");
            lock.lock();
            boolean otherGot = CompletableFuture.supplyAsync(() -> {
                try {
                    return lock.tryLock(0, 10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }).get(30, TimeUnit.SECONDS);
            seen.add("lock " + lock.isLocked() + " " + lock.isHeldByCurrentThread() + " " + otherGot);
            // A waiter is woken through the lock's pub/sub channel when the holder unlocks.
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    boolean got = lock.tryLock(30, 10, TimeUnit.SECONDS);
                    if (got) {
                        lock.unlock();
                    }
                    return got;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            lock.unlock();
            seen.add("lock handover " + waiter.get(30, TimeUnit.SECONDS) + " " + lock.isLocked());

            RSemaphore semaphore = r.getSemaphore("semaphore");
            seen.add("semaphore " + semaphore.trySetPermits(2) + " " + semaphore.tryAcquire() + " "
                    + semaphore.tryAcquire(2) + " " + semaphore.availablePermits());
            semaphore.release();

            var latch = r.getCountDownLatch("latch");
            latch.trySetCount(2);
            latch.countDown();
            seen.add("latch " + latch.getCount());

            RRateLimiter limiter = r.getRateLimiter("limiter");
            seen.add("ratelimiter " + limiter.trySetRate(RateType.OVERALL, 2, java.time.Duration.ofSeconds(100)) + " "
                    + limiter.tryAcquire() + " " + limiter.tryAcquire() + " " + limiter.tryAcquire());

            RTopic topic = r.getTopic("topic");
            CountDownLatch received = new CountDownLatch(2);
            List<String> messages = java.util.Collections.synchronizedList(new ArrayList<>());
            topic.addListener(String.class, (channel, msg) -> {
                messages.add(channel + ":" + msg);
                received.countDown();
            });
            topic.publish("m1");
            topic.publish("m2");
            assertTrue(received.await(30, TimeUnit.SECONDS), "topic messages: " + messages);
            seen.add("topic " + messages);

            RBatch batch = r.createBatch(BatchOptions.defaults()
                    .executionMode(BatchOptions.ExecutionMode.IN_MEMORY_ATOMIC));
            batch.getBucket("b1").setAsync("1");
            batch.getAtomicLong("b2").incrementAndGetAsync();
            batch.getMap("b3").fastPutAsync("f", "v");
            batch.getBucket("b1").getAsync();
            seen.add("batch " + batch.execute().getResponses());

            var keys = r.getKeys();
            seen.add("keys " + new TreeSet<>(keys.getKeysStreamByPattern("b*").toList()) + " "
                    + keys.countExists("bucket", "map", "nosuch") + " " + keys.delete("b1", "b2", "nosuch") + " "
                    + keys.getType("map") + " " + keys.getType("zset"));

            var script = r.getScript(StringCodec.INSTANCE);
            seen.add("script " + script.eval(org.redisson.api.RScript.Mode.READ_WRITE,
                    "redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])",
                    org.redisson.api.RScript.ReturnType.VALUE, List.of("s"), "val"));
            r.getKeys().flushall();
            seen.add("flushed " + r.getKeys().count());
        } finally {
            r.shutdown();
        }
        return seen;
    }
}
