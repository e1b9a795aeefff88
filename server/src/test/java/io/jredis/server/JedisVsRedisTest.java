package io.jredis.server;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.ClientSweep;
import io.jredis.server.testing.ServerPair;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.args.BitOP;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.args.FlushMode;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.params.BitPosParams;
import redis.clients.jedis.params.GeoAddParams;
import redis.clients.jedis.params.GeoSearchParam;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LCSParams;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.SortingParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.params.ZIncrByParams;
import redis.clients.jedis.params.ZParams;
import redis.clients.jedis.params.ZRangeParams;

/**
 * Jedis 8 driven through the same calls against redis-server and jredis: what the application gets back (parsed
 * results, exception classes and messages) must not tell the two servers apart, in RESP2 and RESP3.
 */
class JedisVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    /** Outcomes that legitimately differ between two runs: ids, ports, addresses, times. */
    private static final String[] MASKS = {"id=Long:\\d+", "addr=[^ ,]*", "laddr=[^ ,]*", "fd=\\d+", "age=\\d+",
        "idle=\\d+", "(seen-time|active-time|inactive|idle|idleTime|seenTime|activeTime|elapsedTime)=Long:-?\\d+",
        "ageSeconds=Double:[0-9.]+", "(fd|age|idle|id|rbp|rbs)=String:\\d+", "\\b(rbp|rbs)=\\d+", "Long:1\\d{12}",
        "age-seconds=Double:[0-9.]+", "\\bid=\\d+"};

    private static List<String> sweep(ClientSweep<Jedis> sweep, RedisProtocol protocol, int port) {
        DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().protocol(protocol).timeoutMillis(5000)
                .build();
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", port), cfg)) {
            j.flushAll();
            j.functionFlush();
            return sweep.run(j);
        }
    }

    private static void compare(ClientSweep<Jedis> sweep, RedisProtocol protocol) {
        for (String m : MASKS) {
            sweep.mask(m);
        }
        ClientSweep.assertSame(sweep(sweep, protocol, servers.redis().port()),
                sweep(sweep, protocol, servers.jredis().port()));
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void stringsAndKeys(RedisProtocol protocol) {
        ClientSweep<Jedis> s = new ClientSweep<>();
        s.add("set", j -> j.set("k", "v"));
        s.add("set nx", j -> j.set("k", "w", SetParams.setParams().nx()));
        s.add("set xx get", j -> j.setGet("k", "w", SetParams.setParams().xx()));
        s.add("set get wrongtype", j -> {
            j.rpush("l", "a");
            return j.setGet("l", "x");
        });
        s.add("set ex px", j -> j.set("k2", "v", SetParams.setParams().ex(10).px(100000)));
        s.add("set ex 0", j -> j.set("k2", "v", SetParams.setParams().ex(0)));
        s.add("set keepttl", j -> j.set("k", "v", SetParams.setParams().keepTtl()));
        s.add("set pxat", j -> j.set("k3", "v", SetParams.setParams().pxAt(99999999999999L)));
        s.add("pttl", j -> j.pttl("k3") > 0);
        s.add("getex persist", j -> j.getEx("k3", GetExParams.getExParams().persist()));
        s.add("getex ex", j -> j.getEx("k3", GetExParams.getExParams().ex(100)));
        s.add("getdel", j -> j.getDel("k3"));
        s.add("incr", j -> j.incr("n"));
        s.add("incr wrong", j -> j.incr("k"));
        s.add("incrby overflow", j -> {
            j.set("big", Long.toString(Long.MAX_VALUE));
            return j.incrBy("big", 1);
        });
        s.add("incrbyfloat", j -> j.incrByFloat("f", 1.5));
        s.add("incrbyfloat inf", j -> j.incrByFloat("f", Double.POSITIVE_INFINITY));
        s.add("decrby", j -> j.decrBy("n", 10));
        s.add("append", j -> j.append("k", "xyz"));
        s.add("getrange", j -> j.getrange("k", -2, -1));
        s.add("setrange", j -> j.setrange("k", 1, "AB"));
        s.add("setrange neg", j -> j.setrange("k", -1, "AB"));
        s.add("strlen", j -> j.strlen("k"));
        s.add("mset", j -> j.mset("a", "1", "b", "2"));
        s.add("msetnx", j -> j.msetnx("a", "1", "c", "2"));
        s.add("mget", j -> j.mget("a", "b", "nope", "l"));
        s.add("setnx", j -> j.setnx("a", "z"));
        s.add("setex", j -> j.setex("e", 100, "v"));
        s.add("setex neg", j -> j.setex("e", -1, "v"));
        s.add("psetex", j -> j.psetex("e", 100000, "v"));
        s.add("lcs", j -> {
            j.set("s1", "ohmytext");
            j.set("s2", "mynewtext");
            return j.lcs("s1", "s2", LCSParams.LCSParams());
        });
        s.add("lcs len", j -> j.lcs("s1", "s2", LCSParams.LCSParams().len()));
        s.add("lcs idx", j -> j.lcs("s1", "s2", LCSParams.LCSParams().idx().minMatchLen(2).withMatchLen()));
        s.add("exists", j -> j.exists("a", "b", "nope"));
        s.add("type", j -> List.of(j.type("a"), j.type("l"), j.type("nope")));
        s.add("expire nx", j -> j.expire("a", 100, ExpiryOption.NX));
        s.add("expire gt", j -> j.expire("a", 50, ExpiryOption.GT));
        s.add("expire lt", j -> j.expire("a", 50, ExpiryOption.LT));
        s.add("expiretime", j -> j.expireTime("a") > 0);
        s.add("expiretime none", j -> List.of(j.expireTime("b"), j.expireTime("nope")));
        s.add("ttl", j -> List.of(j.ttl("b"), j.ttl("nope")));
        s.add("persist", j -> j.persist("a"));
        s.add("rename", j -> j.rename("a", "a2"));
        s.add("rename missing", j -> j.rename("nope", "x"));
        s.add("renamenx", j -> j.renamenx("a2", "b"));
        s.add("copy", j -> j.copy("a2", "b", true));
        s.add("copy db", j -> j.copy("a2", "b", 1, false));
        s.add("copy same", j -> j.copy("a2", "a2", false));
        s.add("object encoding", j -> List.of(j.objectEncoding("n"), j.objectEncoding("k"), j.objectEncoding("l")));
        s.add("object encoding missing", j -> j.objectEncoding("nope"));
        s.add("object refcount", j -> j.objectRefcount("n"));
        s.add("object freq", j -> j.objectFreq("n"));
        // Redis's LRU clock ticks in whole seconds from its cron, so a fresh key reads 0 or 1.
        s.add("object idletime", j -> j.objectIdletime("n") <= 1);
        s.add("touch", j -> j.touch("n", "nope"));
        s.add("unlink", j -> j.unlink("n", "nope"));
        s.add("randomkey", j -> j.randomKey() != null);
        s.add("dbsize", j -> j.dbSize());
        s.add("keys", j -> j.keys("s*"));
        s.add("scan", j -> {
            List<String> all = new ArrayList<>();
            String cursor = "0";
            do {
                var r = j.scan(cursor, new ScanParams().match("*").count(2));
                all.addAll(r.getResult());
                cursor = r.getCursor();
            } while (!cursor.equals("0"));
            all.sort(null);
            return all;
        });
        s.add("scan type", j -> j.scan("0", new ScanParams().count(1000), "list").getResult());
        s.add("scan bad cursor", j -> j.scan("abc"));
        s.add("bitcount", j -> j.bitcount("k"));
        s.add("bitcount range", j -> j.bitcount("k", 1, -1));
        s.add("setbit", j -> j.setbit("bits", 7, true));
        s.add("getbit", j -> j.getbit("bits", 7));
        s.add("bitpos", j -> j.bitpos("bits", true));
        s.add("bitpos params", j -> j.bitpos("bits", false, new BitPosParams(0, 0)));
        s.add("bitpos bit", j -> j.bitpos("bits", true, new BitPosParams(0, 7).modifier(redis.clients.jedis.args.BitCountOption.BIT)));
        s.add("bitop", j -> j.bitop(BitOP.XOR, "dest", "bits", "k"));
        s.add("bitfield", j -> j.bitfield("bf", "SET", "u8", "0", "255", "INCRBY", "u8", "0", "10", "GET", "i4", "0"));
        s.add("bitfield overflow fail", j -> j.bitfield("bf", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1000"));
        s.add("bitfield_ro", j -> j.bitfieldReadonly("bf", "GET", "u8", "0"));
        s.add("bitfield bad", j -> j.bitfield("bf", "GET", "u99", "0"));
        s.add("sort desc alpha limit", j -> {
            j.rpush("sl", "b", "a", "c");
            return j.sort("sl", new SortingParams().alpha().desc().limit(0, 2));
        });
        s.add("sort numeric bad", j -> j.sort("sl"));
        s.add("sort by get", j -> {
            j.rpush("nums", "3", "1", "2");
            j.mset("w_1", "30", "w_2", "20", "w_3", "10", "o_1", "one", "o_2", "two");
            return j.sort("nums", new SortingParams().by("w_*").get("#", "o_*"));
        });
        s.add("sort store", j -> j.sort("nums", new SortingParams().desc(), "sorted"));
        s.add("sort_ro", j -> j.sortReadonly("nums", new SortingParams().asc()));
        s.add("echo", j -> j.echo("hello"));
        s.add("ping msg", j -> j.ping("hi"));
        s.add("lolwut", j -> j.lolwut().contains("Redis ver."));
        s.add("time", j -> j.time().size());
        s.add("move", j -> j.move("k", 2));
        s.add("swapdb", j -> j.swapDB(0, 3));
        s.add("swapdb back", j -> j.swapDB(0, 3));
        s.add("select bad", j -> j.select(99));
        compare(s, protocol);
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void listsSetsHashes(RedisProtocol protocol) {
        ClientSweep<Jedis> s = new ClientSweep<>();
        s.add("rpush", j -> j.rpush("l", "a", "b", "c", "a", "b"));
        s.add("lpushx", j -> j.lpushx("nope", "a"));
        s.add("lpos", j -> j.lpos("l", "b"));
        s.add("lpos rank", j -> j.lpos("l", "b", LPosParams.lPosParams().rank(-1)));
        s.add("lpos count", j -> j.lpos("l", "a", LPosParams.lPosParams().maxlen(10), 0));
        s.add("lpos rank 0", j -> j.lpos("l", "a", LPosParams.lPosParams().rank(0)));
        s.add("lpos missing", j -> j.lpos("l", "zz"));
        s.add("linsert", j -> j.linsert("l", ListPosition.BEFORE, "c", "X"));
        s.add("linsert missing pivot", j -> j.linsert("l", ListPosition.AFTER, "zz", "X"));
        s.add("lrange", j -> j.lrange("l", 0, -1));
        s.add("lindex", j -> j.lindex("l", -1));
        s.add("lset", j -> j.lset("l", 100, "x"));
        s.add("lset missing", j -> j.lset("nope", 0, "x"));
        s.add("lrem", j -> j.lrem("l", -1, "a"));
        s.add("ltrim", j -> j.ltrim("l", 0, 3));
        s.add("lpop count", j -> j.lpop("l", 2));
        s.add("lpop count missing", j -> j.lpop("nope", 2));
        s.add("rpop count 0", j -> j.rpop("l", 0));
        s.add("lmove", j -> j.lmove("l", "l2", ListDirection.LEFT, ListDirection.RIGHT));
        s.add("lmpop", j -> j.lmpop(ListDirection.LEFT, 5, "nope", "l2"));
        s.add("lmpop none", j -> j.lmpop(ListDirection.LEFT, "nope"));
        s.add("blmpop", j -> j.blmpop(0.01, ListDirection.RIGHT, "nope"));
        s.add("blpop timeout", j -> j.blpop(0.01, "nope"));
        s.add("brpop", j -> {
            j.rpush("q", "1");
            return j.brpop(1, "q");
        });
        s.add("llen wrong", j -> {
            j.set("str", "v");
            return j.llen("str");
        });
        s.add("sadd", j -> j.sadd("s", "1", "2", "3", "x"));
        s.add("smembers", j -> j.smembers("s"));
        s.add("smismember", j -> j.smismember("s", "1", "9"));
        s.add("sismember", j -> j.sismember("s", "x"));
        s.add("srandmember neg", j -> j.srandmember("s", -5).size());
        s.add("spop count", j -> j.spop("s", 0));
        s.add("sintercard", j -> {
            j.sadd("s2", "1", "2", "y");
            return j.sintercard(1, "s", "s2");
        });
        s.add("sinter", j -> j.sinter("s", "s2"));
        s.add("sunionstore", j -> j.sunionstore("su", "s", "s2"));
        s.add("sdiff", j -> j.sdiff("s", "s2"));
        s.add("smove", j -> j.smove("s", "s2", "3"));
        s.add("sscan", j -> j.sscan("s", "0", new ScanParams().match("*")).getResult().size());
        s.add("sadd wrongtype", j -> j.sadd("str", "a"));
        s.add("hset", j -> j.hset("h", map("f1", "v1", "f2", "2")));
        s.add("hsetnx", j -> j.hsetnx("h", "f1", "x"));
        s.add("hget", j -> j.hget("h", "f1"));
        s.add("hmget", j -> j.hmget("h", "f1", "nope"));
        s.add("hgetall", j -> j.hgetAll("h"));
        s.add("hincrby", j -> j.hincrBy("h", "f2", 5));
        s.add("hincrby wrong", j -> j.hincrBy("h", "f1", 5));
        s.add("hincrbyfloat", j -> j.hincrByFloat("h", "f3", 2.5));
        s.add("hrandfield", j -> j.hrandfieldWithValues("h", -2).size());
        s.add("hrandfield missing", j -> j.hrandfield("nope", 3));
        s.add("hstrlen", j -> j.hstrlen("h", "f1"));
        s.add("hkeys", j -> j.hkeys("h"));
        s.add("hvals", j -> j.hvals("h"));
        s.add("hdel", j -> j.hdel("h", "f1", "zz"));
        s.add("hscan", j -> j.hscan("h", "0").getResult().size());
        s.add("hexists", j -> j.hexists("h", "f2"));
        compare(s, protocol);
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void sortedSetsAndGeo(RedisProtocol protocol) {
        ClientSweep<Jedis> s = new ClientSweep<>();
        s.add("zadd", j -> j.zadd("z", Map.of("a", 1.0, "b", 2.0, "c", 3.0)));
        s.add("zadd nx", j -> j.zadd("z", 5, "a", ZAddParams.zAddParams().nx()));
        s.add("zadd xx ch", j -> j.zadd("z", 5, "a", ZAddParams.zAddParams().xx().ch()));
        s.add("zadd gt lt", j -> j.zadd("z", 5, "a", ZAddParams.zAddParams().gt().lt()));
        s.add("zadd nx gt", j -> j.zadd("z", 5, "a", ZAddParams.zAddParams().nx().gt()));
        s.add("zaddincr", j -> j.zaddIncr("z", 1, "a", ZAddParams.zAddParams()));
        s.add("zaddincr nx existing", j -> j.zaddIncr("z", 1, "a", ZAddParams.zAddParams().nx()));
        s.add("zincrby", j -> j.zincrby("z", 0.5, "b"));
        s.add("zincrby xx", j -> j.zincrby("z", 0.5, "nope", ZIncrByParams.zIncrByParams().xx()));
        s.add("zscore", j -> j.zscore("z", "b"));
        s.add("zmscore", j -> j.zmscore("z", "a", "nope"));
        s.add("zrange", j -> j.zrange("z", 0, -1));
        s.add("zrangeWithScores", j -> j.zrangeWithScores("z", 0, -1));
        s.add("zrange byscore rev limit", j -> j.zrange("z", ZRangeParams.zrangeByScoreParams(10, 0).rev().limit(0, 2)));
        s.add("zrange bylex", j -> j.zrange("z", ZRangeParams.zrangeByLexParams("[a", "+")));
        s.add("zrange bylex bad", j -> j.zrange("z", ZRangeParams.zrangeByLexParams("a", "+")));
        s.add("zrangestore", j -> j.zrangestore("zd", "z", ZRangeParams.zrangeParams(0, 1)));
        s.add("zrangeByScore str", j -> j.zrangeByScore("z", "(1", "+inf"));
        s.add("zrangeByScoreWithScores", j -> j.zrangeByScoreWithScores("z", "-inf", "+inf", 1, 5));
        s.add("zrevrangeByScore", j -> j.zrevrangeByScore("z", 10, 0));
        s.add("zrank", j -> j.zrank("z", "c"));
        s.add("zrevrank missing", j -> j.zrevrank("z", "nope"));
        s.add("zcount", j -> j.zcount("z", "(1", "5"));
        s.add("zlexcount", j -> j.zlexcount("z", "-", "+"));
        s.add("zpopmin", j -> j.zpopmin("z"));
        s.add("zpopmax count", j -> j.zpopmax("z", 2));
        s.add("zpopmin empty", j -> j.zpopmin("nope"));
        s.add("zmpop", j -> {
            j.zadd("z", Map.of("p", 1.0, "q", 2.0, "r", 3.0));
            return j.zmpop(redis.clients.jedis.args.SortedSetOption.MIN, 2, "nope", "z");
        });
        s.add("bzpopmin", j -> j.bzpopmin(0.01, "z"));
        s.add("bzmpop timeout", j -> j.bzmpop(0.01, redis.clients.jedis.args.SortedSetOption.MAX, "nope"));
        s.add("zunion", j -> {
            j.zadd("z1", Map.of("a", 1.0, "b", 2.0));
            j.zadd("z2", Map.of("b", 3.0, "c", 4.0));
            return j.zunionWithScores(new ZParams().weights(2, 1).aggregate(ZParams.Aggregate.MAX), "z1", "z2");
        });
        s.add("zinterstore", j -> j.zinterstore("zi", new ZParams().aggregate(ZParams.Aggregate.SUM), "z1", "z2"));
        s.add("zdiff", j -> j.zdiffWithScores("z1", "z2"));
        s.add("zintercard", j -> j.zintercard(0, "z1", "z2"));
        s.add("zrandmember", j -> j.zrandmemberWithScores("z1", -3).size());
        s.add("zremrangebyscore", j -> j.zremrangeByScore("z1", "-inf", "(2"));
        s.add("zremrangebylex", j -> j.zremrangeByLex("z2", "[b", "[b"));
        s.add("zscan", j -> j.zscan("z2", "0").getResult());
        s.add("zadd nan", j -> j.zadd("z", Double.NaN, "a"));
        s.add("zadd inf", j -> j.zadd("zinf", Double.POSITIVE_INFINITY, "a"));
        s.add("zrange inf", j -> j.zrangeWithScores("zinf", 0, -1));
        s.add("geoadd", j -> j.geoadd("g", Map.of("Palermo", new GeoCoordinate(13.361389, 38.115556),
                "Catania", new GeoCoordinate(15.087269, 37.502669))));
        s.add("geoadd xx ch", j -> j.geoadd("g", GeoAddParams.geoAddParams().xx().ch(),
                Map.of("Palermo", new GeoCoordinate(13.5, 38.1))));
        s.add("geoadd bad", j -> j.geoadd("g", 200, 100, "x"));
        s.add("geodist", j -> j.geodist("g", "Palermo", "Catania", GeoUnit.KM));
        s.add("geodist missing", j -> j.geodist("g", "Palermo", "nope"));
        s.add("geohash", j -> j.geohash("g", "Palermo", "nope"));
        s.add("geopos", j -> j.geopos("g", "Palermo", "nope"));
        s.add("geosearch radius", j -> j.geosearch("g", new GeoCoordinate(15, 37), 200, GeoUnit.KM));
        s.add("geosearch param", j -> j.geosearch("g", GeoSearchParam.geoSearchParam().fromLonLat(15, 37)
                .byRadius(300, GeoUnit.KM).withCoord().withDist().withHash().asc().count(5)));
        s.add("geosearch box", j -> j.geosearch("g", GeoSearchParam.geoSearchParam().fromMember("Palermo")
                .byBox(400, 400, GeoUnit.KM).desc().count(1, true)));
        s.add("geosearch missing member", j -> j.geosearch("g", GeoSearchParam.geoSearchParam()
                .fromMember("nope").byRadius(10, GeoUnit.KM)));
        s.add("geosearchstore", j -> j.geosearchStore("gs", "g", GeoSearchParam.geoSearchParam()
                .fromLonLat(15, 37).byRadius(300, GeoUnit.KM)));
        s.add("georadius", j -> j.georadius("g", 15, 37, 200, GeoUnit.KM,
                redis.clients.jedis.params.GeoRadiusParam.geoRadiusParam().withDist().sortAscending()));
        s.add("georadiusByMember ro", j -> j.georadiusByMemberReadonly("g", "Palermo", 200, GeoUnit.KM));
        compare(s, protocol);
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void streams(RedisProtocol protocol) {
        ClientSweep<Jedis> s = new ClientSweep<>();
        s.add("xadd", j -> j.xadd("st", new StreamEntryID(1, 0), map("a", "1")));
        s.add("xadd params", j -> j.xadd("st", XAddParams.xAddParams().id(2, 0).maxLen(10).approximateTrimming(),
                map("b", "2")));
        s.add("xadd id seq", j -> j.xadd("st", XAddParams.xAddParams().id("3-*"), map("c", "3")));
        s.add("xadd small id", j -> j.xadd("st", new StreamEntryID(1, 0), map("x", "1")));
        s.add("xadd nomkstream", j -> j.xadd("nost", XAddParams.xAddParams().noMkStream(), map("x", "1")));
        s.add("xadd minid", j -> j.xadd("st", XAddParams.xAddParams().id(4, 0).minId("0").limit(10), map("d", "4")));
        s.add("xlen", j -> j.xlen("st"));
        s.add("xrange", j -> j.xrange("st", "-", "+"));
        s.add("xrange count", j -> j.xrange("st", "(1-0", "+", 1));
        s.add("xrevrange", j -> j.xrevrange("st", "+", "-", 2));
        s.add("xread", j -> j.xread(XReadParams.xReadParams().count(2), Map.of("st", new StreamEntryID(0, 0))));
        s.add("xread none", j -> j.xread(XReadParams.xReadParams(), Map.of("st", new StreamEntryID(99, 0))));
        s.add("xread block", j -> j.xread(XReadParams.xReadParams().block(10), Map.of("st", new StreamEntryID(99, 0))));
        s.add("xgroup create", j -> j.xgroupCreate("st", "g", new StreamEntryID(0, 0), false));
        s.add("xgroup create busy", j -> j.xgroupCreate("st", "g", new StreamEntryID(0, 0), false));
        s.add("xgroup create mkstream", j -> j.xgroupCreate("st2", "g", StreamEntryID.XGROUP_LAST_ENTRY, true));
        s.add("xgroup createconsumer", j -> j.xgroupCreateConsumer("st", "g", "c0"));
        s.add("xreadgroup", j -> j.xreadGroup("g", "c1", XReadGroupParams.xReadGroupParams().count(2),
                Map.of("st", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
        s.add("xreadgroup noack", j -> j.xreadGroup("g", "c2", XReadGroupParams.xReadGroupParams().count(1).noAck(),
                Map.of("st", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
        s.add("xreadgroup history", j -> j.xreadGroup("g", "c1", XReadGroupParams.xReadGroupParams(),
                Map.of("st", new StreamEntryID(0, 0))));
        s.add("xreadgroup nogroup", j -> j.xreadGroup("nog", "c1", XReadGroupParams.xReadGroupParams(),
                Map.of("st", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
        s.add("xpending summary", j -> j.xpending("st", "g"));
        s.add("xpending range", j -> j.xpending("st", "g", XPendingParams.xPendingParams().count(10)));
        s.add("xpending consumer", j -> j.xpending("st", "g", XPendingParams.xPendingParams("-", "+", 10)
                .consumer("c1").idle(0)));
        s.add("xclaim", j -> j.xclaim("st", "g", "c3", 0, XClaimParams.xClaimParams().retryCount(5),
                new StreamEntryID(1, 0)));
        s.add("xclaimJustId", j -> j.xclaimJustId("st", "g", "c3", 0, XClaimParams.xClaimParams().force(),
                new StreamEntryID(2, 0)));
        s.add("xautoclaim", j -> j.xautoclaim("st", "g", "c4", 0, new StreamEntryID(0, 0),
                XAutoClaimParams.xAutoClaimParams().count(1)));
        s.add("xautoclaimJustId", j -> j.xautoclaimJustId("st", "g", "c4", 0, new StreamEntryID(0, 0),
                XAutoClaimParams.xAutoClaimParams()));
        s.add("xack", j -> j.xack("st", "g", new StreamEntryID(1, 0), new StreamEntryID(9, 0)));
        s.add("xinfo stream", j -> j.xinfoStream("st"));
        s.add("xinfo stream full", j -> j.xinfoStreamFull("st"));
        s.add("xinfo stream full count", j -> j.xinfoStreamFull("st", 1));
        s.add("xinfo groups", j -> j.xinfoGroups("st"));
        s.add("xinfo consumers", j -> j.xinfoConsumers("st", "g"));
        s.add("xinfo consumers2", j -> j.xinfoConsumers2("st", "g"));
        s.add("xinfo missing", j -> j.xinfoStream("nope"));
        s.add("xgroup setid", j -> j.xgroupSetID("st", "g", new StreamEntryID(1, 0)));
        s.add("xgroup delconsumer", j -> j.xgroupDelConsumer("st", "g", "c1"));
        s.add("xtrim", j -> j.xtrim("st", XTrimParams.xTrimParams().maxLen(2).exactTrimming()));
        s.add("xtrim minid", j -> j.xtrim("st", XTrimParams.xTrimParams().minId("4-0")));
        s.add("xdel", j -> j.xdel("st", new StreamEntryID(4, 0), new StreamEntryID(77, 0)));
        s.add("xsetid", j -> j.xadd("st", XAddParams.xAddParams().id(1, 0), map("z", "1")));
        s.add("xgroup destroy", j -> j.xgroupDestroy("st", "g"));
        s.add("xinfo stream after", j -> j.xinfoStream("st"));
        compare(s, protocol);
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void scriptingAndFunctions(RedisProtocol protocol) {
        String lib = "#!lua name=mylib\n"
                + "redis.register_function('myfunc', function(keys, args) return {keys[1], args[1], 1.5, true} end)\n"
                + "redis.register_function{function_name='ro', callback=function(keys, args) "
                + "return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads'}\n"
                + "redis.register_function('err', function(keys, args) return redis.error_reply('MY boom') end)\n"
                + "redis.register_function('map', function(keys, args) return {map={a=1}, double=3.5} end)";
        ClientSweep<Jedis> s = new ClientSweep<>();
        s.add("eval", j -> j.eval("return {1, 'two', {3}, redis.status_reply('OK'), false}"));
        s.add("eval keys", j -> j.eval("return redis.call('SET', KEYS[1], ARGV[1])", List.of("k"), List.of("v")));
        s.add("eval error", j -> j.eval("return redis.call('INCR', KEYS[1])", List.of("k"), List.of()));
        s.add("eval pcall", j -> j.eval("return redis.pcall('INCR', KEYS[1])", List.of("k"), List.of()));
        s.add("eval syntax", j -> j.eval("return +"));
        s.add("eval error_reply", j -> j.eval("return redis.error_reply('CUSTOM bad')"));
        s.add("eval error table", j -> j.eval("return {err='plain'}"));
        s.add("eval runtime", j -> j.eval("local t = nil; return t.x"));
        s.add("eval resp3 types", j -> j.eval("redis.setresp(3); return redis.call('HGETALL', 'nope')"));
        s.add("eval double", j -> j.eval("return {double=3.25}"));
        s.add("eval big number", j -> j.eval("return 3.99"));
        s.add("script load", j -> j.scriptLoad("return 42"));
        s.add("evalsha", j -> j.evalsha(j.scriptLoad("return 42")));
        s.add("evalsha missing", j -> j.evalsha("ffffffffffffffffffffffffffffffffffffffff"));
        s.add("script exists", j -> j.scriptExists("ffffffffffffffffffffffffffffffffffffffff",
                "1fa00e76656cc152ad327c13fe365858fd7be306"));
        s.add("eval_ro write", j -> j.evalReadonly("return redis.call('SET', 'x', '1')", List.of(), List.of()));
        s.add("script kill idle", j -> j.scriptKill());
        s.add("function load", j -> j.functionLoad(lib));
        s.add("function load again", j -> j.functionLoad(lib));
        s.add("function load bad", j -> j.functionLoad("#!lua name=bad\nreturn 1"));
        s.add("function load no shebang", j -> j.functionLoad("return 1"));
        s.add("function load engine", j -> j.functionLoad("#!js name=x\nreturn 1"));
        s.add("fcall", j -> j.fcall("myfunc", List.of("k1"), List.of("a1")));
        s.add("fcall ro", j -> j.fcallReadonly("ro", List.of("k"), List.of()));
        s.add("fcall ro write", j -> j.fcallReadonly("myfunc", List.of("k"), List.of()));
        s.add("fcall err", j -> j.fcall("err", List.of(), List.of()));
        s.add("fcall map", j -> j.fcall("map", List.of(), List.of()));
        s.add("fcall missing", j -> j.fcall("nope", List.of(), List.of()));
        s.add("function list", j -> libraries(j.functionList()));
        s.add("function list pattern", j -> libraries(j.functionList("my*")));
        s.add("function list code", j -> libraries(j.functionListWithCode()));
        s.add("function stats", j -> j.functionStats());
        s.add("function dump restore", j -> {
            byte[] d = j.functionDump();
            j.functionFlush(FlushMode.SYNC);
            return List.of(j.functionRestore(d), j.functionList().size());
        });
        s.add("function restore busy", j -> j.functionRestore(j.functionDump()));
        s.add("function restore bad", j -> j.functionRestore(new byte[] {1, 2, 3}));
        s.add("function delete", j -> j.functionDelete("mylib"));
        s.add("function delete missing", j -> j.functionDelete("mylib"));
        s.add("function kill", j -> j.functionKill());
        compare(s, protocol);
    }

    /** Libraries with their functions as a set: Redis keeps a library's functions in a randomly seeded hash. */
    private static List<String> libraries(List<redis.clients.jedis.resps.LibraryInfo> libs) {
        return libs.stream().map(l -> l.getLibraryName() + " " + l.getEngine() + " " + l.getLibraryCode() + " "
                + ClientSweep.render(java.util.Set.copyOf(l.getFunctions()))).toList();
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void pipelinesAndTransactions(RedisProtocol protocol) {
        ClientSweep<Jedis> s = new ClientSweep<>();
        s.add("pipeline", j -> {
            Pipeline p = j.pipelined();
            List<Response<?>> rs = new ArrayList<>();
            rs.add(p.set("a", "1"));
            rs.add(p.incr("a"));
            rs.add(p.lpush("a", "x"));
            rs.add(p.get("a"));
            rs.add(p.zrangeWithScores("nope", 0, -1));
            p.sync();
            List<String> out = new ArrayList<>();
            for (Response<?> r : rs) {
                out.add(ClientSweep.outcome(r::get));
            }
            return out;
        });
        s.add("large pipeline", j -> {
            Pipeline p = j.pipelined();
            String big = "x".repeat(300_000);
            List<Response<?>> rs = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                rs.add(p.set("p" + (i % 50), i % 100 == 0 ? big + i : "v" + i));
                rs.add(p.append("p" + (i % 50), "y"));
                rs.add(p.strlen("p" + (i % 50)));
            }
            rs.add(p.mget("p0", "p1", "p2"));
            p.sync();
            long sum = 0;
            for (Response<?> r : rs) {
                sum += r.get() instanceof Long l ? l : r.get().toString().length();
            }
            return sum;
        });
        s.add("multi exec", j -> {
            Transaction t = j.multi();
            t.set("b", "1");
            t.incr("b");
            t.lpush("b", "x");
            t.hgetAll("nope");
            return t.exec();
        });
        s.add("multi queue error", j -> {
            Transaction t = j.multi();
            t.set("c", "1");
            Response<Object> bad = t.sendCommand(() -> "NOSUCHCMD".getBytes(StandardCharsets.UTF_8), "x");
            Response<Object> wrongArity = t.sendCommand(redis.clients.jedis.Protocol.Command.GET, new String[0]);
            return List.of(ClientSweep.outcome(t::exec), ClientSweep.outcome(bad::get),
                    ClientSweep.outcome(wrongArity::get), ClientSweep.outcome(() -> j.get("c")));
        });
        s.add("watch abort", j -> {
            j.set("w", "0");
            j.watch("w");
            try (Jedis other = new Jedis(j.getConnection().getHostAndPort())) {
                other.set("w", "1");
            }
            Transaction t = j.multi();
            t.incr("w");
            return t.exec();
        });
        s.add("watch ok", j -> {
            j.watch("w");
            Transaction t = j.multi();
            t.incr("w");
            return t.exec();
        });
        s.add("watch inside multi", j -> {
            Transaction t = j.multi();
            Response<Object> r = t.sendCommand(redis.clients.jedis.Protocol.Command.WATCH, "w");
            return List.of(ClientSweep.outcome(t::exec), ClientSweep.outcome(r::get));
        });
        s.add("discard", j -> {
            Transaction t = j.multi();
            t.set("d", "1");
            return List.of(t.discard(), j.exists("d"));
        });
        s.add("exec without multi", j -> j.sendCommand(redis.clients.jedis.Protocol.Command.EXEC));
        s.add("transaction with error in exec", j -> {
            j.set("e", "1");
            Transaction t = j.multi();
            Response<Long> bad = t.incr("e");
            Response<Long> r = t.lpush("e", "x");
            Response<String> ok = t.get("e");
            List<Object> res = t.exec();
            return List.of(ClientSweep.render(res), ClientSweep.outcome(bad::get), ClientSweep.outcome(r::get),
                    ClientSweep.outcome(ok::get));
        });
        compare(s, protocol);
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void serverWrappers(RedisProtocol protocol) {
        ClientSweep<Jedis> s = new ClientSweep<>();
        s.mask("Long:\\d{9,}");
        s.add("client getname", j -> j.clientGetname());
        s.add("client setname", j -> j.clientSetname("me"));
        s.add("client setname bad", j -> j.clientSetname("a b"));
        s.add("client info keys", j -> fieldNames(j.clientInfo()));
        s.add("client list keys", j -> fieldNames(j.clientList().trim()));
        s.add("client list type", j -> j.clientList(redis.clients.jedis.args.ClientType.PUBSUB));
        s.add("client id", j -> j.clientId() > 0);
        s.add("client no-evict", j -> j.clientNoEvictOn());
        s.add("client setinfo", j -> j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "SETINFO",
                "LIB-NAME", "x y"));
        s.add("client setinfo ver", j -> j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "SETINFO",
                "LIB-VER", "1"));
        s.add("client pause unpause", j -> List.of(j.clientPause(1), j.clientUnpause()));
        s.add("client tracking info", j -> j.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT,
                "TRACKINGINFO"));
        s.add("config get", j -> j.configGet("maxmemory*"));
        s.add("config get multi", j -> j.configGet("appendonly", "hz"));
        s.add("config set", j -> j.configSet("maxmemory-samples", "6"));
        s.add("config set map", j -> j.configSet(Map.of("maxmemory-samples", "5", "hz", "10")));
        s.add("config set bad", j -> j.configSet("hz", "abc"));
        s.add("config set unknown", j -> j.configSet("nope", "1"));
        s.add("config resetstat", j -> j.configResetStat());
        s.add("info sections", j -> sections(j.info()));
        s.add("info server keys", j -> keys(j.info("server")));
        s.add("info keyspace", j -> {
            j.set("x", "1");
            return j.info("keyspace").replaceAll("avg_ttl=\\d+", "");
        });
        s.add("command count", j -> j.commandCount() > 200);
        s.add("command info", j -> j.commandInfo("get", "set", "nope", "xadd", "client|list", "eval"));
        s.add("command docs", j -> j.commandDocs("get", "zadd", "sort"));
        s.add("command getkeys", j -> j.commandGetKeys("SORT", "abc", "STORE", "def"));
        s.add("command getkeys none", j -> j.commandGetKeys("PING"));
        s.add("command getkeysandflags", j -> j.commandGetKeysAndFlags("LMOVE", "a", "b", "LEFT", "RIGHT"));
        s.add("command list filter", j -> java.util.Set.copyOf(j.commandListFilterBy(
                redis.clients.jedis.params.CommandListFilterByParams.commandListFilterByParams().filterByAclCat("hyperloglog"))));
        // Only the commands both servers have: the in-process jredis lacks the persistence and replication modules.
        s.add("command info all", j -> new java.util.TreeMap<>(j.commandInfo(COMMON_COMMANDS)));
        s.add("command docs all", j -> new java.util.TreeMap<>(j.commandDocs(COMMON_COMMANDS)));
        s.add("info all keys", j -> keys(j.info("everything")).stream().filter(k -> !k.startsWith("errorstat")
                && !k.startsWith("cmdstat") && !k.startsWith("latency_percentiles")).toList());
        s.add("acl whoami", j -> j.aclWhoAmI());
        s.add("acl list", j -> j.aclList());
        s.add("acl setuser", j -> j.aclSetUser("u1", "on", ">pw", "~k*", "+get", "&ch*", "%R~r*"));
        s.add("acl getuser", j -> j.aclGetUser("u1"));
        s.add("acl getuser default", j -> j.aclGetUser("default"));
        s.add("acl getuser missing", j -> j.aclGetUser("nope"));
        s.add("acl setuser selector", j -> j.aclSetUser("u2", "on", "nopass", "(~x* +set)"));
        s.add("acl getuser selector", j -> j.aclGetUser("u2"));
        s.add("acl cat", j -> java.util.Set.copyOf(j.aclCat()));
        // Redis lists commands in its command table's hash order, seeded at random on each start.
        s.add("acl cat geo", j -> java.util.Set.copyOf(j.aclCat("geo")));
        s.add("acl cat bad", j -> j.aclCat("nope"));
        s.add("acl dryrun", j -> j.aclDryRun("u1", "set", "k", "v"));
        s.add("acl dryrun ok", j -> j.aclDryRun("u1", "get", "k"));
        s.add("acl users", j -> j.aclUsers());
        s.add("acl genpass", j -> j.aclGenPass().length());
        s.add("acl genpass bits", j -> j.aclGenPass(10).length());
        s.add("acl log", j -> {
            j.aclLogReset();
            try (Jedis u = new Jedis(j.getConnection().getHostAndPort(), DefaultJedisClientConfig.builder()
                    .user("u1").password("pw").build())) {
                u.set("k", "v");
            } catch (RuntimeException e) {
                // expected: the denial is what the log records
            }
            return j.aclLog();
        });
        s.add("acl deluser", j -> j.aclDelUser("u1", "u2", "nope"));
        s.add("memory usage", j -> j.memoryUsage("x") > 0);
        s.add("memory usage missing", j -> j.memoryUsage("nope"));
        s.add("memory stats keys", j -> j.memoryStats().keySet());
        s.add("memory stats value types", j -> {
            Map<String, String> types = new java.util.TreeMap<>();
            j.memoryStats().forEach((k, v) -> types.put(k, v == null ? "null" : v instanceof List<?> l
                    ? "List" + l.stream().map(x -> x.getClass().getSimpleName()).toList()
                    : v.getClass().getSimpleName()));
            return types;
        });
        s.add("config get all", j -> new java.util.TreeSet<>(j.configGet("*").keySet()));
        s.add("memory doctor", j -> j.memoryDoctor().isEmpty());
        s.add("latency latest", j -> j.latencyLatest());
        s.add("latency history", j -> j.latencyHistory(redis.clients.jedis.args.LatencyEvent.COMMAND));
        s.add("latency reset", j -> j.latencyReset());
        s.add("latency doctor", j -> j.latencyDoctor().isEmpty());
        s.add("slowlog reset", j -> j.slowlogReset());
        s.add("slowlog get", j -> {
            j.configSet("slowlog-log-slower-than", "0");
            j.set("slow", "1");
            j.configSet("slowlog-log-slower-than", "10000");
            return j.slowlogGet(2).stream().map(l -> l.getArgs() + " " + l.getClientName()).toList();
        });
        s.add("slowlog len", j -> j.slowlogLen() > 0);
        s.add("dbsize", j -> j.dbSize());
        s.add("flushdb async", j -> j.flushDB(FlushMode.ASYNC));
        s.add("module list", j -> j.moduleList());
        s.add("hello", j -> {
            Object h = j.sendCommand(redis.clients.jedis.Protocol.Command.HELLO);
            return ClientSweep.render(h).replaceAll("Long:\\d+", "#");
        });
        compare(s, protocol);
    }

    private static String[] COMMON_COMMANDS;

    @org.junit.jupiter.api.BeforeAll
    static void commonCommands() {
        java.util.Set<String> common = null;
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                java.util.Set<String> names = new java.util.TreeSet<>(j.commandList());
                if (common == null) {
                    common = names;
                } else {
                    common.retainAll(names);
                }
            }
        }
        COMMON_COMMANDS = common.toArray(new String[0]);
    }

    private static List<String> fieldNames(String clientLine) {
        List<String> out = new ArrayList<>();
        for (String f : clientLine.split(" ")) {
            out.add(f.substring(0, f.indexOf('=') + 1) + (f.startsWith("name=") || f.startsWith("lib")
                    || f.startsWith("flags") || f.startsWith("cmd") || f.startsWith("resp") ? f.substring(
                    f.indexOf('=') + 1) : ""));
        }
        return out;
    }

    private static List<String> sections(String info) {
        return info.lines().filter(l -> l.startsWith("#")).toList();
    }

    private static List<String> keys(String info) {
        return info.lines().filter(l -> l.contains(":")).map(l -> l.substring(0, l.indexOf(':'))).toList();
    }

    @Test
    void connectionSetUpAsJedisDoesIt() {
        Function<Integer, List<String>> run = port -> {
            List<String> out = new ArrayList<>();
            HostAndPort hp = new HostAndPort("127.0.0.1", port);
            try (Jedis admin = new Jedis(hp)) {
                admin.aclSetUser("app", "on", ">secret", "~*", "+@all");
                admin.configSet("requirepass", "");
            }
            DefaultJedisClientConfig[] configs = {
                DefaultJedisClientConfig.builder().build(),
                DefaultJedisClientConfig.builder().resp3().build(),
                DefaultJedisClientConfig.builder().resp3().user("app").password("secret").clientName("n1").build(),
                DefaultJedisClientConfig.builder().resp2().user("app").password("secret").database(2).build(),
                DefaultJedisClientConfig.builder().user("app").password("wrong").build(),
                DefaultJedisClientConfig.builder().resp3().user("nope").password("x").build(),
                DefaultJedisClientConfig.builder().password("x").build(),
                DefaultJedisClientConfig.builder().resp3().password("x").build(),
                DefaultJedisClientConfig.builder().clientName("bad name").build(),
                DefaultJedisClientConfig.builder().clientSetInfoConfig(
                        new redis.clients.jedis.ClientSetInfoConfig(redis.clients.jedis.DriverInfo.builder()
                                .addUpstreamDriver("spring-data-redis", "3.0").build())).build(),
                DefaultJedisClientConfig.builder().database(99).build(),
                DefaultJedisClientConfig.builder().autoNegotiateProtocol(true).build(),
                DefaultJedisClientConfig.builder().serverDefaultProtocol().user("app").password("secret").build(),
                DefaultJedisClientConfig.builder().autoNegotiateProtocol(true).user("app").password("wrong").build(),
            };
            for (DefaultJedisClientConfig cfg : configs) {
                out.add(ClientSweep.outcome(() -> {
                    try (Jedis j = new Jedis(hp, cfg)) {
                        String info = j.clientInfo();
                        return List.of(j.ping(), j.getDB(), j.aclWhoAmI(), fieldNames(info.trim()).stream()
                                .filter(f -> f.startsWith("name=") || f.startsWith("lib") || f.startsWith("resp")
                                        || f.startsWith("db=")).toList());
                    }
                }));
            }
            out.add(ClientSweep.outcome(() -> {
                try (RedisClient p = RedisClient.builder().hostAndPort(hp)
                        .clientConfig(DefaultJedisClientConfig.builder().resp3().build()).build()) {
                    p.set("pooled", "1");
                    return List.of(p.get("pooled"), p.hgetAll("nope"), p.zrangeWithScores("nope", 0, 1),
                            ClientSweep.outcome(() -> p.incr("app")));
                }
            }));
            try (Jedis admin = new Jedis(hp)) {
                admin.configSet("requirepass", "topsecret");
            }
            for (DefaultJedisClientConfig cfg : new DefaultJedisClientConfig[] {
                DefaultJedisClientConfig.builder().build(),
                DefaultJedisClientConfig.builder().resp3().build(),
                DefaultJedisClientConfig.builder().password("topsecret").build(),
                DefaultJedisClientConfig.builder().resp3().password("topsecret").build(),
                DefaultJedisClientConfig.builder().resp3().user("default").password("topsecret").build()}) {
                out.add(ClientSweep.outcome(() -> {
                    try (Jedis j = new Jedis(hp, cfg)) {
                        return List.of(j.ping(), j.aclWhoAmI());
                    }
                }));
            }
            try (Jedis admin = new Jedis(hp, DefaultJedisClientConfig.builder().password("topsecret").build())) {
                admin.configSet("requirepass", "");
                admin.aclDelUser("app");
            }
            return out;
        };
        ClientSweep.assertSame(run.apply(servers.redis().port()), run.apply(servers.jredis().port()));
    }

    @Test
    void clientSideCachingRefusesA70Server() {
        Function<Integer, String> run = port -> ClientSweep.outcome(() -> {
            try (RedisClient c = RedisClient.builder().hostAndPort(new HostAndPort("127.0.0.1", port))
                    .clientConfig(DefaultJedisClientConfig.builder().resp3().build())
                    .cacheConfig(redis.clients.jedis.csc.CacheConfig.builder().maxSize(10).build()).build()) {
                c.set("cached", "1");
                return List.of(c.get("cached"), c.get("cached"), c.getCache().getSize());
            }
        });
        ClientSweep.assertSame(List.of(run.apply(servers.redis().port())), List.of(run.apply(servers.jredis()
                .port())));
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void pubSubThroughJedisListeners(RedisProtocol protocol) throws Exception {
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            HostAndPort hp = new HostAndPort("127.0.0.1", port);
            DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().protocol(protocol).build();
            // The listener's events and the publisher's replies go to separate lists: their interleaving is timing.
            List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String> replies = new ArrayList<>();
            // UNSUBSCRIBE without channels goes through Redis's randomly seeded hash: only the counts are ordered.
            java.util.Set<String> unsubscribed = new java.util.concurrent.ConcurrentSkipListSet<>();
            redis.clients.jedis.JedisPubSub listener = new redis.clients.jedis.JedisPubSub() {
                @Override
                public void onMessage(String channel, String message) {
                    events.add("message " + channel + " " + message);
                    if (message.equals("last")) {
                        unsubscribe();
                        punsubscribe();
                    }
                }

                @Override
                public void onPMessage(String pattern, String channel, String message) {
                    events.add("pmessage " + pattern + " " + channel + " " + message);
                }

                @Override
                public void onSubscribe(String channel, int n) {
                    events.add("subscribe " + channel + " " + n);
                }

                @Override
                public void onUnsubscribe(String channel, int n) {
                    events.add("unsubscribe " + n);
                    unsubscribed.add(channel);
                }

                @Override
                public void onPSubscribe(String pattern, int n) {
                    events.add("psubscribe " + pattern + " " + n);
                }

                @Override
                public void onPUnsubscribe(String pattern, int n) {
                    events.add("punsubscribe " + pattern + " " + n);
                }

                @Override
                public void onPong(String pattern) {
                    events.add("pong " + pattern);
                }
            };
            Thread t = new Thread(() -> {
                try (Jedis sub = new Jedis(hp, cfg)) {
                    sub.subscribe(listener, "ch1", "ch2");
                } catch (RuntimeException e) {
                    events.add("!" + e);
                }
            });
            t.start();
            try (Jedis pub = new Jedis(hp, cfg)) {
                Await.until("subscribed", 10, () -> pub.pubsubNumSub("ch1", "ch2").values().stream()
                        .allMatch(n -> n == 1));
                listener.psubscribe("c*");
                Await.until("psubscribed", 10, () -> pub.pubsubNumPat() == 1);
                replies.add("numsub " + new java.util.TreeMap<>(pub.pubsubNumSub("ch1", "nope")));
                replies.add("channels " + new java.util.TreeSet<>(pub.pubsubChannels()));
                replies.add("channels pattern " + pub.pubsubChannels("*1"));
                replies.add("publish " + pub.publish("ch1", "hello"));
                replies.add("publish none " + pub.publish("zz", "hello"));
                if (protocol == RedisProtocol.RESP2) {
                    // In RESP3 both servers answer PING in subscribed mode with a plain reply, which Jedis's
                    // listener rejects ("Unexpected message"); only RESP2 has the [pong, message] form it expects.
                    listener.ping("p");
                    Await.until("pong", 10, () -> events.contains("pong p"));
                }
                replies.add("publish last " + pub.publish("ch2", "last"));
                t.join(5000);
                replies.add("spublish " + pub.sendCommand(redis.clients.jedis.Protocol.Command.SPUBLISH, "sh", "x"));
                replies.add("shardchannels " + pub.pubsubShardChannels());
                replies.add("shardnumsub " + pub.pubsubShardNumSub("sh"));
            }
            events.add("unsubscribed " + unsubscribed);
            events.addAll(replies);
            sides.add(events);
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void shardedPubSubThroughJedisListeners(RedisProtocol protocol) throws Exception {
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            HostAndPort hp = new HostAndPort("127.0.0.1", port);
            DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().protocol(protocol).build();
            List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
            List<String> replies = new ArrayList<>();
            java.util.Set<String> unsubscribed = new java.util.concurrent.ConcurrentSkipListSet<>();
            redis.clients.jedis.JedisShardedPubSub listener = new redis.clients.jedis.JedisShardedPubSub() {
                @Override
                public void onSMessage(String channel, String message) {
                    events.add("smessage " + channel + " " + message);
                    sunsubscribe();
                }

                @Override
                public void onSSubscribe(String channel, int n) {
                    events.add("ssubscribe " + channel + " " + n);
                }

                @Override
                public void onSUnsubscribe(String channel, int n) {
                    events.add("sunsubscribe " + n);
                    unsubscribed.add(channel);
                }
            };
            Thread t = new Thread(() -> {
                try (Jedis sub = new Jedis(hp, cfg)) {
                    listener.proceed(sub.getConnection(), "s1", "s2");
                } catch (RuntimeException e) {
                    events.add("!" + e);
                }
            });
            t.start();
            try (Jedis pub = new Jedis(hp, cfg)) {
                Await.until("ssubscribed", 10, () -> pub.pubsubShardNumSub("s1", "s2").values().stream()
                        .allMatch(n -> n == 1));
                replies.add("shardchannels " + new java.util.TreeSet<>(pub.pubsubShardChannels()));
                replies.add("shardchannels pattern " + pub.pubsubShardChannels("*2"));
                replies.add("publish to shard via PUBLISH " + pub.publish("s1", "x"));
                replies.add("spublish " + pub.sendCommand(redis.clients.jedis.Protocol.Command.SPUBLISH, "s1", "hello"));
                t.join(5000);
            }
            events.add("unsubscribed " + unsubscribed);
            events.addAll(replies);
            sides.add(events);
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }

    @Test
    void monitorLinesAsJedisReadsThem() throws Exception {
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            HostAndPort hp = new HostAndPort("127.0.0.1", port);
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread t = new Thread(() -> {
                try (Jedis m = new Jedis(hp)) {
                    m.monitor(new redis.clients.jedis.JedisMonitor() {
                        @Override
                        public void onCommand(String command) {
                            // The timestamp and the client's port differ on every run.
                            lines.add(command.replaceFirst("^\\d+\\.\\d{6} ", "T ")
                                    .replaceFirst("127\\.0\\.0\\.1:\\d+", "ADDR"));
                            if (command.contains("\"last\"")) {
                                client.disconnect();
                            }
                        }
                    });
                } catch (RuntimeException e) {
                    // the disconnect above ends monitor() with a connection exception
                }
            });
            t.start();
            String auth = null;
            try (Jedis j = new Jedis(hp)) {
                Await.until("monitor", 10, () -> j.clientList().contains("cmd=monitor"));
                j.select(2);
                j.set("a b", "with \"quote\" and \n newline \u00e9");
                j.eval("return redis.call('get', KEYS[1])", List.of("a b"), List.of("\u0001"));
                Transaction tx = j.multi();
                tx.incr("n");
                tx.exec();
                auth = ClientSweep.outcome(() -> j.auth("nope"));
                j.echo("last");
            } catch (RuntimeException e) {
                lines.add("!" + e.getMessage());
            }
            t.join(5000);
            lines.add(auth);
            sides.add(lines);
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }

    @Test
    void busyScriptsAsJedisSeesThem() throws Exception {
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            HostAndPort hp = new HostAndPort("127.0.0.1", port);
            List<String> out = new ArrayList<>();
            try (Jedis admin = new Jedis(hp)) {
                admin.configSet("busy-reply-threshold", "50");
                admin.functionLoad("#!lua name=busy\nredis.register_function{function_name='spin', "
                        + "callback=function() while true do end end, flags={'no-writes'}}");
                String[][] spins = {{"EVAL", "while true do end", "0"}, {"FCALL", "spin", "0"},
                    {"EVAL_RO", "while true do end", "0"}};
                for (String[] spin : spins) {
                    String[] result = new String[1];
                    Thread t = new Thread(() -> {
                        try (Jedis runner = new Jedis(hp, DefaultJedisClientConfig.builder().timeoutMillis(10_000)
                                .build())) {
                            result[0] = ClientSweep.outcome(() -> runner.sendCommand(
                                    () -> spin[0].getBytes(StandardCharsets.UTF_8),
                                    java.util.Arrays.copyOfRange(spin, 1, spin.length)));
                        }
                    });
                    t.start();
                    Await.until("busy", 10, () -> ClientSweep.outcome(admin::ping).contains("BUSY"));
                    out.add(String.join(" ", spin));
                    out.add("ping " + ClientSweep.outcome(admin::ping));
                    out.add("get " + ClientSweep.outcome(() -> admin.get("x")));
                    out.add("function stats " + ClientSweep.outcome(() -> ClientSweep.render(admin.functionStats())
                            .replaceAll("Long:\\d+", "#")));
                    out.add("script flush " + ClientSweep.outcome(admin::scriptFlush));
                    out.add("wrong kill " + ClientSweep.outcome(spin[0].equals("FCALL") ? admin::scriptKill
                            : admin::functionKill));
                    out.add("kill " + ClientSweep.outcome(spin[0].equals("FCALL") ? admin::functionKill
                            : admin::scriptKill));
                    t.join(10_000);
                    out.add("runner " + result[0]);
                    out.add("after " + ClientSweep.outcome(admin::ping));
                }
                admin.functionDelete("busy");
                admin.configSet("busy-reply-threshold", "5000");
            }
            sides.add(out);
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }
}
