package io.jredis.server.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keyspace semantics the key commands rely on, with a controlled clock. */
class DatabaseTest {
    /** A clock the test moves, and a record of what the database reported. */
    private static final class FakeHooks implements Database.Hooks {
        long now = 1_000_000;
        boolean master = true;
        final List<String> expired = new ArrayList<>();
        final List<String> modified = new ArrayList<>();
        final List<String> added = new ArrayList<>();

        @Override
        public long now() {
            return now;
        }

        @Override
        public boolean mayDeleteExpired() {
            return master;
        }

        @Override
        public void keyModified(Database db, byte[] key) {
            modified.add(Bytes.str(key));
        }

        @Override
        public void keyExpired(Database db, byte[] key) {
            expired.add(Bytes.str(key));
        }

        @Override
        public void keyAdded(Database db, byte[] key) {
            added.add(Bytes.str(key));
        }
    }

    private final FakeHooks hooks = new FakeHooks();
    private final Database db = new Database(0, hooks);

    private static byte[] k(String s) {
        return Bytes.of(s);
    }

    private Dict.Entry withTtl(String key, long ttlMs) {
        Dict.Entry e = db.set(k(key), k("v"), false);
        db.setExpire(e, hooks.now + ttlMs);
        return e;
    }

    @Test
    void aKeyLivesThroughItsExpiryMillisecondAndIsReclaimedAfter() {
        withTtl("a", 10);
        hooks.now += 10;
        assertNotNull(db.entry(k("a")), "Redis expires a key only when now > expire time");
        hooks.now += 1;
        assertNull(db.entry(k("a")));
        assertEquals(0, db.size());
        assertEquals(0, db.expiresSize());
        assertEquals(List.of("a"), hooks.expired);
    }

    @Test
    void setDropsTheTtlAndItsIndexEntryUnlessKeepTtl() {
        withTtl("a", 1000);
        assertEquals(1, db.expiresSize());
        db.set(k("a"), k("v2"), true);
        assertEquals(1, db.expiresSize());
        assertEquals(hooks.now + 1000, db.entry(k("a")).expireAt);
        db.set(k("a"), k("v3"), false);
        assertEquals(0, db.expiresSize());
        assertEquals(-1, db.entry(k("a")).expireAt);
        assertArrayEquals(k("v3"), (byte[]) db.get(k("a")));
    }

    @Test
    void replicaHidesExpiredKeysButKeepsThemUntilTheMasterDeletes() {
        hooks.master = false;
        withTtl("a", 10);
        withTtl("b", 10);
        withTtl("c", 10);
        hooks.now += 11;
        assertNull(db.entry(k("a")));
        assertEquals(3, db.size(), "a replica does not reclaim");
        assertTrue(hooks.expired.isEmpty());
        assertTrue(db.delete(k("a")), "the master's DEL removes the stored key");
        assertEquals(2, db.size());
        // A write replaces the logically expired key, and its stale TTL must not survive.
        db.set(k("b"), k("new"), false);
        assertEquals(-1, db.entry(k("b")).expireAt);
        db.add(k("c"), k("new"));
        assertEquals(-1, db.entry(k("c")).expireAt);
        assertEquals(0, db.expiresSize());
    }

    @Test
    void setOverAnExpiredKeyOnAMasterReclaimsItThenCreatesANewKey() {
        List<String> observed = new ArrayList<>();
        Database d = new Database(0, hooks);
        d.changeObserver(new Database.ChangeObserver() {
            @Override
            public void beforeChange(Database db, Dict.Entry e) {
                observed.add("change " + Bytes.str(e.key) + "=" + Bytes.str((byte[]) e.value()));
            }

            @Override
            public void created(Database db, Dict.Entry e) {
                observed.add("created " + Bytes.str(e.key));
            }
        });
        Dict.Entry old = d.set(k("a"), k("v1"), false);
        d.setExpire(old, hooks.now + 10);
        hooks.now += 11;
        Dict.Entry e = d.set(k("a"), k("v2"), false);
        assertEquals(List.of("a"), hooks.expired, "the stale key is reclaimed as expired first, as lookupKeyWrite");
        assertEquals(List.of("a", "a"), hooks.added, "then the write creates the key anew (the \"new\" event)");
        // The snapshot observer saw the old state before it went, then the new entry's creation.
        assertEquals("created a", observed.get(observed.size() - 1), observed.toString());
        List<String> between = observed.subList(1, observed.size() - 1);
        assertTrue(!between.isEmpty() && between.stream().allMatch("change a=v1"::equals), observed.toString());
        assertNotSame(old, e);
        assertEquals(-1, e.expireAt);
        assertEquals(0, d.expiresSize());
        assertEquals(1, d.size());
        assertArrayEquals(k("v2"), (byte[]) d.get(k("a")));
    }

    @Test
    void deleteOnAMasterReclaimsAnExpiredKeyAsExpiredAndReportsItAbsent() {
        withTtl("a", 10);
        hooks.now += 11;
        assertFalse(db.delete(k("a")));
        assertEquals(List.of("a"), hooks.expired);
        assertEquals(0, db.size());
    }

    @Test
    void renameKeepsValueTtlAndAccessClockAndReplacesTheDestination() {
        Dict.Entry src = withTtl("src", 5000);
        src.access = 42;
        Dict.Entry dst = withTtl("dst", 9000);
        Object value = src.value();
        assertNotNull(dst);
        db.rename(k("src"), k("dst"));
        assertNull(db.entry(k("src")));
        Dict.Entry e = db.entry(k("dst"));
        assertSame(value, e.value());
        assertEquals(hooks.now + 5000, e.expireAt);
        assertEquals(42, e.access);
        assertEquals(1, db.size());
        assertEquals(1, db.expiresSize());
        db.rename(k("dst"), k("plain"));
        db.persist(db.entry(k("plain")));
        db.rename(k("plain"), k("again"));
        assertEquals(0, db.expiresSize());
    }

    @Test
    void moveTransfersTheKeyWithItsTtl() {
        Database other = new Database(1, hooks);
        Dict.Entry src = withTtl("a", 5000);
        src.access = 7;
        db.move(k("a"), other);
        assertEquals(0, db.size());
        assertEquals(0, db.expiresSize());
        Dict.Entry e = other.entry(k("a"));
        assertEquals(hooks.now + 5000, e.expireAt);
        assertEquals(7, e.access);
        assertEquals(1, other.expiresSize());
    }

    @Test
    void randomKeyNeverReturnsAnExpiredKeyOnAMaster() {
        for (int i = 0; i < 500; i++) {
            withTtl("dead" + i, 5);
        }
        db.set(k("alive"), k("v"), false);
        hooks.now += 6;
        assertArrayEquals(k("alive"), db.randomKey());
        db.delete(k("alive"));
        assertNull(db.randomKey(), "only expired keys: each draw reclaims one until none is left");
        assertEquals(0, db.size());
        assertEquals(500, hooks.expired.size());
    }

    @Test
    void randomKeyOnAReplicaWithOnlyExpiredKeysGivesUpInsteadOfLooping() {
        hooks.master = false;
        for (int i = 0; i < 10; i++) {
            withTtl("dead" + i, 5);
        }
        hooks.now += 6;
        assertNotNull(db.randomKey());
        assertEquals(10, db.size());
    }

    @Test
    void activeExpireReclaimsExpiredKeysWithoutAccessAndKeepsLiveOnes() {
        for (int i = 0; i < 1000; i++) {
            withTtl("dead" + i, 5);
        }
        for (int i = 0; i < 100; i++) {
            withTtl("live" + i, 60_000);
        }
        db.set(k("persistent"), k("v"), false);
        hooks.now += 6;
        // Each call stops once a sample is at most 10% stale; repeated cron calls finish the job.
        for (int cycle = 0; cycle < 100 && db.expiresSize() > 100; cycle++) {
            assertTrue(db.activeExpire(System.nanoTime() + 1_000_000_000L));
        }
        assertEquals(100, db.expiresSize());
        assertEquals(101, db.size());
        assertEquals(1000, hooks.expired.size());
    }

    @Test
    void activeExpireStopsAtTheDeadline() {
        for (int i = 0; i < 1000; i++) {
            withTtl("dead" + i, 5);
        }
        hooks.now += 6;
        assertFalse(db.activeExpire(System.nanoTime() - 1), "out of time after the first loop");
        int reclaimed = 1000 - db.size();
        assertTrue(reclaimed > 0 && reclaimed <= 40, "one loop samples about 20 keys, reclaimed " + reclaimed);
    }

    @Test
    void activeExpireSamplesOnceWhenLittleIsStale() {
        for (int i = 0; i < 1000; i++) {
            withTtl("live" + i, 60_000);
        }
        assertTrue(db.activeExpire(System.nanoTime() - 1), "nothing stale: done after one sample, whatever the clock");
        assertEquals(1000, db.size());
    }
}
