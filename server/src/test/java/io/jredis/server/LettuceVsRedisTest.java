package io.jredis.server;

import io.jredis.server.testing.Await;
import io.jredis.server.testing.ClientSweep;
import io.jredis.server.testing.ServerPair;
import io.lettuce.core.BitFieldArgs;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.CopyArgs;
import io.lettuce.core.GeoArgs;
import io.lettuce.core.GeoSearch;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LcsArgs;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SortArgs;
import io.lettuce.core.StrAlgoArgs;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XPendingArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.command.CommandDetailParser;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Lettuce 7 driven through the same calls against redis-server and jredis, with its sync, async and reactive APIs in
 * RESP2 and RESP3 (Lettuce negotiates HELLO 3 by default): parsed results and exceptions must not tell the two apart.
 */
class LettuceVsRedisTest {
    @RegisterExtension
    static final ServerPair servers = new ServerPair();

    private static final String[] MASKS = {"\\bid=\\d+", "addr=[^ ,]*", "laddr=[^ ,]*", "fd=\\d+", "age=\\d+",
        "idle=\\d+", "Long:1\\d{12}", "(seen-time|active-time|inactive|idle|msSinceLastDelivery)=Long:\\d+",
        "(age-seconds)=String:[0-9.]+", "String:id=Long:\\d+",
        "String:(idle|inactive|seen-time|active-time), Long:\\d+", "127\\.0\\.0\\.1:\\d+"};

    private static RedisClient client;

    @BeforeAll
    static void startClient() {
        client = RedisClient.create();
    }

    @AfterAll
    static void stopClient() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static StatefulRedisConnection<String, String> connect(int port, ProtocolVersion protocol) {
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(Duration.ofSeconds(5))
                .build();
        return client.connect(uri);
    }

    private static void compare(ClientSweep<RedisCommands<String, String>> sweep, ProtocolVersion protocol) {
        for (String m : MASKS) {
            sweep.mask(m);
        }
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            try (StatefulRedisConnection<String, String> c = connect(port, protocol)) {
                c.sync().flushall();
                c.sync().functionFlush(io.lettuce.core.FlushMode.SYNC);
                sides.add(sweep.run(c.sync()));
            }
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void typedCommands(ProtocolVersion protocol) {
        ClientSweep<RedisCommands<String, String>> s = new ClientSweep<>();
        s.add("set args", r -> r.set("k", "v", SetArgs.Builder.nx().ex(100)));
        s.add("set get", r -> r.setGet("k", "w"));
        s.add("set keepttl", r -> r.set("k", "v", SetArgs.Builder.keepttl().xx()));
        s.add("set bad", r -> r.set("k", "v", SetArgs.Builder.ex(-1)));
        s.add("incr wrong", r -> r.incr("k"));
        s.add("incrbyfloat", r -> r.incrbyfloat("f", 0.1));
        s.add("copy", r -> r.copy("k", "k2", CopyArgs.Builder.replace(true)));
        s.add("copy db", r -> r.copy("k", "k2", CopyArgs.Builder.destinationDb(3)));
        s.add("object encoding", r -> List.of(r.objectEncoding("k"), r.objectEncoding("f")));
        s.add("object encoding missing", r -> r.objectEncoding("nope"));
        s.add("object freq", r -> r.objectFreq("k"));
        s.add("object refcount", r -> r.objectRefcount("k"));
        s.add("object idletime", r -> r.objectIdletime("k"));
        s.add("lcs", r -> {
            r.mset(Map.of("s1", "ohmytext", "s2", "mynewtext"));
            return r.lcs(LcsArgs.Builder.keys("s1", "s2"));
        });
        s.add("lcs len", r -> r.lcs(LcsArgs.Builder.keys("s1", "s2").justLen()));
        s.add("lcs idx", r -> r.lcs(LcsArgs.Builder.keys("s1", "s2").withIdx().withMatchLen().minMatchLen(2)));
        s.add("stralgo", r -> r.stralgoLcs(StrAlgoArgs.Builder.keys("s1", "s2").withIdx()));
        s.add("stralgo strings", r -> r.stralgoLcs(StrAlgoArgs.Builder.strings("abc", "xbc").justLen()));
        s.add("bitfield", r -> r.bitfield("bf", BitFieldArgs.Builder.set(BitFieldArgs.unsigned(8), 0, 255)
                .incrBy(BitFieldArgs.unsigned(8), 0, 10).get(BitFieldArgs.signed(4), 0)));
        s.add("bitfield overflow", r -> r.bitfield("bf", BitFieldArgs.Builder.overflow(
                BitFieldArgs.OverflowType.FAIL).incrBy(BitFieldArgs.unsigned(8), 0, 1000)));
        s.add("bitfield wrongtype", r -> r.bitfield("k", BitFieldArgs.Builder.get(BitFieldArgs.unsigned(8), 0)));
        s.add("sort", r -> {
            r.rpush("sl", "3", "1", "2");
            return r.sort("sl", SortArgs.Builder.desc().limit(0, 2));
        });
        s.add("sort alpha bad", r -> {
            r.rpush("sa", "b", "a");
            return r.sort("sa");
        });
        s.add("sort by get", r -> r.sort("sl", SortArgs.Builder.by("nosort").get("#")));
        s.add("sortStore", r -> r.sortStore("sl", SortArgs.Builder.asc(), "dst"));
        s.add("sort_ro", r -> r.sortReadOnly("sl"));
        s.add("scan", r -> {
            List<String> keys = new ArrayList<>();
            KeyScanCursor<String> c = r.scan(ScanArgs.Builder.limit(2));
            keys.addAll(c.getKeys());
            while (!c.isFinished()) {
                c = r.scan(c, ScanArgs.Builder.limit(2));
                keys.addAll(c.getKeys());
            }
            Collections.sort(keys);
            return keys;
        });
        s.add("scan match", r -> java.util.Set.copyOf(r.scan(ScanCursor.INITIAL, ScanArgs.Builder.matches("s*")
                .limit(100)).getKeys()));
        s.add("scan bad cursor", r -> r.scan(ScanCursor.of("abc")));
        s.add("hscan", r -> {
            r.hset("h", Map.of("a", "1", "b", "2"));
            return r.hscan("h").getMap();
        });
        s.add("sscan", r -> {
            r.sadd("set", "x", "y");
            return java.util.Set.copyOf(r.sscan("set").getValues());
        });
        s.add("zscan", r -> {
            r.zadd("zs", 1, "m");
            return r.zscan("zs").getValues();
        });
        s.add("zadd args", r -> r.zadd("z", ZAddArgs.Builder.nx().ch(), 1.0, "a", 2.0, "b", 3.0, "c"));
        s.add("zadd gt lt", r -> r.zadd("z", ZAddArgs.Builder.gt().lt(), 5.0, "a"));
        s.add("zaddincr", r -> r.zaddincr("z", ZAddArgs.Builder.xx(), 1.0, "nope"));
        s.add("zrangebyscore range limit", r -> r.zrangebyscore("z", Range.create(1, 3), Limit.create(1, 5)));
        s.add("zrangebyscore excl", r -> r.zrangebyscoreWithScores("z",
                Range.from(Range.Boundary.excluding(1), Range.Boundary.unbounded())));
        s.add("zrevrangebyscore", r -> r.zrevrangebyscoreWithScores("z", Range.create(0, 10), Limit.create(0, 2)));
        s.add("zrangebylex", r -> r.zrangebylex("z", Range.from(Range.Boundary.including("a"),
                Range.Boundary.excluding("c"))));
        s.add("zrangestorebyscore", r -> r.zrangestorebyscore("zd", "z", Range.create(2, 3), Limit.unlimited()));
        s.add("zcount", r -> r.zcount("z", Range.create(1.5, 10)));
        s.add("zpopmin", r -> r.zpopmin("z"));
        s.add("zpopmin empty", r -> r.zpopmin("nope"));
        s.add("zpopmax count", r -> r.zpopmax("z", 5));
        s.add("bzpopmin timeout", r -> r.bzpopmin(0.01, "nope"));
        s.add("zmscore", r -> {
            r.zadd("z", 1.5, "x");
            return r.zmscore("z", "x", "nope");
        });
        s.add("zscore inf", r -> {
            r.zadd("zi", Double.NEGATIVE_INFINITY, "x");
            return r.zscore("zi", "x");
        });
        s.add("zrandmember", r -> r.zrandmemberWithScores("z", 1));
        s.add("geoadd", r -> r.geoadd("g", 13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania"));
        s.add("geopos", r -> r.geopos("g", "Palermo", "nope"));
        s.add("geodist", r -> r.geodist("g", "Palermo", "Catania", GeoArgs.Unit.km));
        s.add("geohash", r -> r.geohash("g", "Palermo", "nope"));
        s.add("georadius", r -> r.georadius("g", 15, 37, 200, GeoArgs.Unit.km));
        s.add("georadius args", r -> r.georadius("g", 15, 37, 200, GeoArgs.Unit.km,
                new GeoArgs().withDistance().withCoordinates().withHash().asc().withCount(3)));
        s.add("geosearch", r -> r.geosearch("g", GeoSearch.fromMember("Palermo"), GeoSearch.byBox(400, 400,
                GeoArgs.Unit.km), new GeoArgs().withDistance().desc()));
        s.add("geosearch lonlat", r -> r.geosearch("g", GeoSearch.fromCoordinates(15, 37),
                GeoSearch.byRadius(300, GeoArgs.Unit.mi)));
        s.add("geosearch missing", r -> r.geosearch("g", GeoSearch.fromMember("nope"),
                GeoSearch.byRadius(300, GeoArgs.Unit.mi)));
        s.add("set nx get", r -> r.setGet("k", "z", SetArgs.Builder.nx()));
        s.add("set nx get missing", r -> r.setGet("nk", "z", SetArgs.Builder.nx()));
        s.add("set xx get missing", r -> r.setGet("nk2", "z", SetArgs.Builder.xx()));
        s.add("getex exat", r -> r.getex("k", io.lettuce.core.GetExArgs.Builder.exAt(99999999999L)));
        s.add("getex pxat past", r -> r.getex("nk", io.lettuce.core.GetExArgs.Builder.pxAt(1)));
        s.add("after past pxat", r -> r.exists("nk"));
        s.add("setrange big", r -> r.setrange("k", 600_000_000L, "x"));
        s.add("bitcount bit", r -> r.bitcount("k", 1, 5));
        s.add("bitpos range", r -> r.bitpos("k", false, 1, -1));
        s.add("zunionstore args", r -> r.zunionstore("zu", io.lettuce.core.ZStoreArgs.Builder.weights(2, 3).max(),
                "z", "zi"));
        s.add("zinter args", r -> r.zinterWithScores(io.lettuce.core.ZAggregateArgs.Builder.min(), "z", "zu"));
        s.add("zrangestore bylex rev", r -> r.zrevrangestorebylex("zl", "z", Range.from(Range.Boundary.including("z"),
                Range.Boundary.including("a")), Limit.create(0, 5)));
        s.add("geosearchstore dist", r -> r.geosearchstore("gd", "g", GeoSearch.fromCoordinates(15, 37),
                GeoSearch.byRadius(300, GeoArgs.Unit.km), new GeoArgs().withCount(1, true), true));
        s.add("georadius store", r -> r.georadius("g", 15, 37, 300, GeoArgs.Unit.km,
                new io.lettuce.core.GeoRadiusStoreArgs<String>().withStore("gs").withCount(5).sort(
                        GeoArgs.Sort.desc)));
        s.add("zrange gs", r -> r.zrangeWithScores("gd", 0, -1));
        s.add("sintercard limit", r -> r.sintercard(1, "set", "set"));
        s.add("lpos maxlen", r -> {
            r.rpush("l", "a", "b", "a");
            return List.of(r.lpos("l", "a"), r.lpos("l", "a", 0), r.lpos("l", "a",
                    io.lettuce.core.LPosArgs.Builder.rank(-1)));
        });
        s.add("lmpop", r -> r.lmpop(io.lettuce.core.LMPopArgs.Builder.left().count(2), "nope", "l"));
        s.add("hrandfield", r -> r.hrandfieldWithvalues("h", 5).size());
        s.add("hgetall", r -> r.hgetall("h"));
        s.add("smismember", r -> r.smismember("set", "x", "z"));
        s.add("expire gt", r -> r.expire("k", 100, io.lettuce.core.ExpireArgs.Builder.gt()));
        s.add("expiretime", r -> List.of(r.expiretime("nope"), r.expiretime("h")));
        s.add("eval types", r -> r.eval("return {1, 'a', {2}, false}", ScriptOutputType.MULTI));
        s.add("eval status", r -> r.eval("return redis.status_reply('FINE')", ScriptOutputType.STATUS));
        s.add("eval error", r -> r.eval("return redis.error_reply('MY bad')", ScriptOutputType.STATUS));
        s.add("eval call error", r -> r.eval("return redis.call('incr', KEYS[1])", ScriptOutputType.INTEGER, "k"));
        s.add("eval syntax", r -> r.eval("return +", ScriptOutputType.VALUE));
        s.add("eval double", r -> r.eval("redis.setresp(3); return redis.call('zscore', 'z', 'x')",
                ScriptOutputType.VALUE));
        for (String script : new String[] {"return {map={a=1, b={1, 2}}}", "return {set={a=true}}",
            "return {double=1.5}", "return {double=0/0}", "return {big_number='123456789012345678901234567890'}",
            "return {verbatim_string={format='txt', string='hello'}}", "return true", "return false", "return nil",
            "return {1, nil, 3}", "return {ok='fine'}", "return {err='ERR oops'}", "return 3.7", "return -0.0",
            "redis.setresp(3); return redis.call('hgetall', 'h')", "redis.setresp(3); return redis.call('smembers', 'set')",
            "redis.setresp(3); return redis.call('zrange', 'z', 0, -1, 'withscores')",
            "redis.setresp(3); return redis.call('zscore', 'z', 'x')", "redis.setresp(3); return redis.call('get', 'nope')",
            "redis.setresp(3); return redis.call('config', 'get', 'hz')",
            "redis.setresp(3); return redis.call('xinfo', 'stream', 'nope')",
            "redis.setresp(3); local r = redis.call('hello'); r['id'] = 0; return r",
            "redis.setresp(3); return redis.pcall('incr', 'h')",
            "return redis.call('debug', 'protocol', 'bignum')",
            "redis.setresp(3); return redis.call('debug', 'protocol', 'attrib')",
            "redis.setresp(3); return {redis.call('exists', 'h'), redis.call('type', 'h')}",
            "return redis.sha1hex('x')", "return redis.REPL_ALL", "return cjson.encode({a={1,2}})",
            "return cmsgpack.unpack(cmsgpack.pack({1, 'x', 2.5}))", "return bit.tohex(65535)",
            "return struct.pack('HH', 1, 2)", "return tostring(math.huge)", "return redis.breakpoint()",
            "return string.format('%.17g', 0.1)", "return table.concat({1, 2}, ',')"}) {
            s.add("eval object " + script, r -> r.eval(script, ScriptOutputType.OBJECT));
        }
        s.add("sort by hash field", r -> {
            r.rpush("ids", "1", "2", "3");
            r.hset("o_1", Map.of("w", "3", "n", "one"));
            r.hset("o_2", Map.of("w", "1", "n", "two"));
            return r.sort("ids", SortArgs.Builder.by("o_*->w").get("o_*->n").get("#").get("o_*->nope"));
        });
        s.add("sort by missing hash", r -> r.sort("ids", SortArgs.Builder.by("x_*->w").alpha()));
        s.add("evalsha missing", r -> r.evalsha("ffffffffffffffffffffffffffffffffffffffff", ScriptOutputType.VALUE));
        s.add("function load", r -> r.functionLoad("#!lua name=lib\nredis.register_function('f', "
                + "function(k, a) return a[1] end)\nredis.register_function{function_name='g', callback="
                + "function(k, a) return redis.call('get', k[1]) end, flags={'no-writes'}}"));
        s.add("function load dup", r -> r.functionLoad("#!lua name=lib\nredis.register_function('f', "
                + "function(k, a) return 1 end)"));
        s.add("fcall", r -> r.fcall("f", ScriptOutputType.VALUE, new String[0], "x"));
        s.add("fcall_ro", r -> r.fcallReadOnly("g", ScriptOutputType.VALUE, "k"));
        s.add("fcall missing", r -> r.fcall("nope", ScriptOutputType.VALUE));
        s.add("function list", r -> r.functionList().size());
        s.add("function dump restore", r -> {
            byte[] d = r.functionDump();
            return List.of(r.functionRestore(d, io.lettuce.core.FunctionRestoreMode.REPLACE), r.functionList("l*")
                    .size());
        });
        s.add("function restore bad", r -> r.functionRestore(new byte[] {1, 2}));
        s.add("function flush", r -> r.functionFlush(io.lettuce.core.FlushMode.ASYNC));
        compare(s, protocol);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void streams(ProtocolVersion protocol) {
        ClientSweep<RedisCommands<String, String>> s = new ClientSweep<>();
        s.add("xadd", r -> r.xadd("st", new XAddArgs().id("1-0"), Map.of("a", "1")));
        s.add("xadd maxlen", r -> r.xadd("st", new XAddArgs().id("2-0").maxlen(10).approximateTrimming(),
                Map.of("b", "2")));
        s.add("xadd nomkstream", r -> r.xadd("nost", XAddArgs.Builder.nomkstream(), Map.of("b", "2")));
        s.add("xadd small", r -> r.xadd("st", new XAddArgs().id("1-0"), Map.of("a", "1")));
        s.add("xadd 3", r -> r.xadd("st", new XAddArgs().id("3-0"), "c", "3"));
        s.add("xrange", r -> r.xrange("st", Range.create("-", "+")));
        s.add("xrange limit", r -> r.xrange("st", Range.create("-", "+"), Limit.from(1)));
        s.add("xrevrange", r -> r.xrevrange("st", Range.create("-", "+")));
        s.add("xread", r -> r.xread(XReadArgs.Builder.count(2), XReadArgs.StreamOffset.from("st", "0")));
        s.add("xread none", r -> r.xread(XReadArgs.StreamOffset.from("st", "9-0")));
        s.add("xread block", r -> r.xread(XReadArgs.Builder.block(10), XReadArgs.StreamOffset.latest("st")));
        s.add("xgroup create", r -> r.xgroupCreate(XReadArgs.StreamOffset.from("st", "0"), "g"));
        s.add("xgroup create busy", r -> r.xgroupCreate(XReadArgs.StreamOffset.from("st", "0"), "g"));
        s.add("xgroup create mkstream", r -> r.xgroupCreate(XReadArgs.StreamOffset.from("st2", "$"), "g",
                XGroupCreateArgs.Builder.mkstream().entriesRead(3)));
        s.add("xgroup createconsumer", r -> r.xgroupCreateconsumer("st", Consumer.from("g", "c0")));
        s.add("xreadgroup", r -> r.xreadgroup(Consumer.from("g", "c1"), XReadArgs.Builder.count(2),
                XReadArgs.StreamOffset.lastConsumed("st")));
        s.add("xreadgroup noack", r -> r.xreadgroup(Consumer.from("g", "c2"), XReadArgs.Builder.noack(true)
                .count(1), XReadArgs.StreamOffset.lastConsumed("st")));
        s.add("xreadgroup nogroup", r -> r.xreadgroup(Consumer.from("nog", "c2"),
                XReadArgs.StreamOffset.lastConsumed("st")));
        s.add("xpending", r -> r.xpending("st", "g"));
        s.add("xpending range", r -> r.xpending("st", "g", Range.create("-", "+"), Limit.from(10)).stream()
                .map(p -> p.getId() + " " + p.getConsumer() + " " + p.getRedeliveryCount()).toList());
        s.add("xpending args", r -> r.xpending("st", XPendingArgs.Builder.xpending(Consumer.from("g", "c1"),
                Range.create("-", "+"), Limit.from(10)).idle(0)).size());
        s.add("xclaim", r -> r.xclaim("st", Consumer.from("g", "c3"), XClaimArgs.Builder.minIdleTime(0)
                .retryCount(4), "1-0"));
        s.add("xclaim justid", r -> r.xclaim("st", Consumer.from("g", "c3"), XClaimArgs.Builder.justid()
                .force(), "2-0", "9-0"));
        s.add("xautoclaim", r -> r.xautoclaim("st", XAutoClaimArgs.Builder.xautoclaim(Consumer.from("g", "c4"),
                0, "0-0").count(1)));
        s.add("xautoclaim justid", r -> r.xautoclaim("st", XAutoClaimArgs.Builder.xautoclaim(
                Consumer.from("g", "c4"), Duration.ZERO, "0-0").justid()));
        s.add("xack", r -> r.xack("st", "g", "1-0", "9-0"));
        s.add("xinfo stream", r -> r.xinfoStream("st"));
        s.add("xinfo groups", r -> r.xinfoGroups("st"));
        s.add("xinfo consumers", r -> r.xinfoConsumers("st", "g"));
        s.add("xinfo missing", r -> r.xinfoStream("nope"));
        s.add("xgroup setid", r -> r.xgroupSetid(XReadArgs.StreamOffset.from("st", "1-0"), "g"));
        s.add("xgroup delconsumer", r -> r.xgroupDelconsumer("st", Consumer.from("g", "c1")));
        s.add("xtrim", r -> r.xtrim("st", io.lettuce.core.XTrimArgs.Builder.maxlen(2)));
        s.add("xdel", r -> r.xdel("st", "3-0", "77-0"));
        s.add("xgroup destroy", r -> r.xgroupDestroy("st", "g"));
        s.add("xlen", r -> r.xlen("st"));
        compare(s, protocol);
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void serverRepliesAsLettuceParsesThem(ProtocolVersion protocol) {
        ClientSweep<RedisCommands<String, String>> s = new ClientSweep<>();
        s.add("info sections", r -> r.info().lines().filter(l -> l.startsWith("#")).toList());
        s.add("info keyspace", r -> {
            r.set("x", "1");
            return r.info("keyspace");
        });
        s.add("client list fields", r -> fieldNames(r.clientList()));
        s.add("client info fields", r -> fieldNames(r.clientInfo()));
        s.add("client list args", r -> r.clientList(io.lettuce.core.ClientListArgs.Builder.ids(1, 2)));
        s.add("client getname", r -> r.clientGetname());
        s.add("client setname", r -> r.clientSetname("lettuce"));
        s.add("client setinfo", r -> r.clientSetinfo("lib-name", "x"));
        s.add("client tracking", r -> r.clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes("a")));
        s.add("client trackinginfo", r -> r.clientTrackinginfo());
        s.add("client tracking off", r -> r.clientTracking(TrackingArgs.Builder.enabled(false)));
        s.add("client tracking redirect missing", r -> r.clientTracking(TrackingArgs.Builder.enabled()
                .redirect(999999)));
        s.add("client no-evict", r -> r.clientNoEvict(true));
        s.add("client kill id", r -> r.clientKill(io.lettuce.core.KillArgs.Builder.id(999999)));
        s.add("client kill type", r -> r.clientKill(io.lettuce.core.KillArgs.Builder.typeMaster()));
        s.add("client kill slave", r -> r.clientKill(io.lettuce.core.KillArgs.Builder.typeSlave().skipme()));
        s.add("client kill pubsub", r -> r.clientKill(io.lettuce.core.KillArgs.Builder.typePubsub()));
        s.add("client kill user", r -> r.clientKill(io.lettuce.core.KillArgs.Builder.user("nope")));
        s.add("client kill laddr", r -> r.clientKill(io.lettuce.core.KillArgs.Builder.laddr("1.2.3.4:5")));
        s.add("client kill addr", r -> r.clientKill(io.lettuce.core.KillArgs.Builder.addr("1.2.3.4:5")));
        s.add("client kill maxage", r -> r.clientKill(io.lettuce.core.KillArgs.Builder.maxAge(100L)));
        s.add("client kill old form", r -> r.clientKill("1.2.3.4:5"));
        s.add("client kill old form bad", r -> r.clientKill("nope"));
        s.add("client unblock missing", r -> r.clientUnblock(999999, io.lettuce.core.UnblockType.ERROR));
        s.add("client unblock self", r -> r.clientUnblock(r.clientId(), io.lettuce.core.UnblockType.TIMEOUT));
        s.add("client pause", r -> r.clientPause(1));
        s.add("client list type", r -> r.clientList(io.lettuce.core.ClientListArgs.Builder.typePubsub()));
        s.add("client list type master", r -> r.clientList(io.lettuce.core.ClientListArgs.Builder.typeMaster()));
        s.add("client caching", r -> r.clientCaching(true));
        s.add("command count", r -> r.commandCount() > 200);
        s.add("command info parsed", r -> CommandDetailParser.parse(r.commandInfo("get", "set", "xread",
                "eval", "nosuch")));
        s.add("command info raw", r -> r.commandInfo("zadd"));
        s.add("command parsed all", r -> CommandDetailParser.parse(r.command()).size() == r.commandCount());
        s.add("config get", r -> r.configGet("maxmemory-policy", "hz"));
        s.add("config set", r -> r.configSet("hz", "11"));
        s.add("config set bad", r -> r.configSet("hz", "x"));
        s.add("config set map", r -> r.configSet(Map.of("hz", "10", "maxmemory-samples", "5")));
        s.add("acl setuser", r -> r.aclSetuser("lu", io.lettuce.core.AclSetuserArgs.Builder.on()
                .addPassword("pw").keyPattern("k*").addCommand(io.lettuce.core.protocol.CommandType.GET)));
        s.add("acl getuser", r -> r.aclGetuser("lu"));
        s.add("acl getuser default", r -> r.aclGetuser("default"));
        s.add("acl getuser missing", r -> r.aclGetuser("nope"));
        s.add("acl list", r -> r.aclList());
        s.add("acl users", r -> r.aclUsers());
        s.add("acl whoami", r -> r.aclWhoami());
        s.add("acl cat", r -> java.util.Set.copyOf(r.aclCat()));
        s.add("acl cat category", r -> java.util.Set.copyOf(r.aclCat(io.lettuce.core.AclCategory.GEO)));
        s.add("acl dryrun", r -> r.aclDryRun("lu", "SET", "k", "v"));
        s.add("acl log", r -> {
            r.aclLogReset();
            r.dispatch(io.lettuce.core.protocol.CommandType.AUTH, new io.lettuce.core.output.StatusOutput<>(
                    io.lettuce.core.codec.StringCodec.UTF8), new io.lettuce.core.protocol.CommandArgs<>(
                    io.lettuce.core.codec.StringCodec.UTF8).add("lu").add("wrong"));
            return r.aclLog().stream().map(e -> {
                Map<String, Object> m = new java.util.TreeMap<>(e);
                m.remove("client-info");
                m.remove("age-seconds");
                return m;
            }).toList();
        });
        s.add("acl deluser", r -> r.aclDeluser("lu", "nope"));
        s.add("memory usage", r -> r.memoryUsage("x") > 0);
        s.add("memory usage missing", r -> r.memoryUsage("nope"));
        s.add("slowlog", r -> {
            r.slowlogReset();
            r.configSet("slowlog-log-slower-than", "0");
            r.echo("slow");
            r.configSet("slowlog-log-slower-than", "10000");
            return r.slowlogGet(2).stream().map(e -> ((List<?>) e).subList(3, ((List<?>) e).size())).toList();
        });
        s.add("slowlog len", r -> r.slowlogLen() > 0);
        s.add("dbsize", r -> r.dbsize());
        s.add("time", r -> r.time().size());
        s.add("echo", r -> r.echo("e"));
        s.add("debug object missing", r -> r.debugObject("nope"));
        s.add("flushdb", r -> r.flushdb(io.lettuce.core.FlushMode.SYNC));
        s.add("swapdb bad", r -> r.swapdb(0, 99));
        compare(s, protocol);
    }

    private static List<String> fieldNames(String clientLines) {
        List<String> out = new ArrayList<>();
        for (String f : clientLines.trim().split("\n")[0].split(" ")) {
            out.add(f.substring(0, f.indexOf('=') + 1) + (f.startsWith("name=") || f.startsWith("lib")
                    || f.startsWith("flags") || f.startsWith("cmd") || f.startsWith("resp") ? f.substring(
                    f.indexOf('=') + 1) : ""));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void transactionsAsyncAndReactive(ProtocolVersion protocol) {
        Function<Integer, List<String>> run = port -> {
            List<String> out = new ArrayList<>();
            try (StatefulRedisConnection<String, String> c = connect(port, protocol);
                    StatefulRedisConnection<String, String> other = connect(port, protocol)) {
                RedisCommands<String, String> r = c.sync();
                r.flushall();
                out.add(ClientSweep.outcome(() -> {
                    r.multi();
                    r.set("a", "1");
                    r.incr("a");
                    r.lpush("a", "x");
                    r.hgetall("nope");
                    TransactionResult tr = r.exec();
                    return List.of(tr.wasDiscarded(), ClientSweep.render(tr.stream().map(o -> o instanceof Exception e
                            ? e.getClass().getSimpleName() + ": " + e.getMessage() : ClientSweep.render(o))
                            .toList()));
                }));
                out.add(ClientSweep.outcome(() -> {
                    r.multi();
                    r.set("b", "1");
                    String bad = ClientSweep.outcome(() -> r.dispatch(io.lettuce.core.protocol.CommandType.GET,
                            new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8)));
                    return List.of(bad, ClientSweep.outcome(r::exec));
                }));
                out.add(ClientSweep.outcome(() -> {
                    r.set("w", "0");
                    r.watch("w");
                    other.sync().set("w", "1");
                    r.multi();
                    r.incr("w");
                    TransactionResult tr = r.exec();
                    return List.of(tr.wasDiscarded(), tr.size(), r.get("w"));
                }));
                out.add(ClientSweep.outcome(() -> r.exec()));
                out.add(ClientSweep.outcome(() -> r.discard()));
                out.add(ClientSweep.outcome(() -> {
                    r.multi();
                    return ClientSweep.outcome(() -> r.multi()) + " " + ClientSweep.outcome(r::discard);
                }));
                var async = c.async();
                out.add(ClientSweep.outcome(() -> List.of(async.set("as", "1").get(), async.incr("as").get(),
                        ClientSweep.outcome(() -> async.lpush("as", "x").get()),
                        async.zrangeWithScores("nope", 0, -1).get(), async.hgetall("nope").get())));
                var reactive = c.reactive();
                out.add(ClientSweep.outcome(() -> List.of(reactive.set("rx", "1").block(),
                        reactive.mget("rx", "nope").map(kv -> kv.toString()).collectList().block(),
                        ClientSweep.outcome(() -> reactive.incr("as").block()),
                        ClientSweep.outcome(() -> reactive.lpush("rx", "x").block()),
                        String.valueOf(reactive.get("nope").block()),
                        reactive.hgetall("nope").collectList().block())));
                // A blocking pop's own timeout, well inside the client's: a margin of 100 ms over a 1 s pop was
                // missed on a loaded CI machine.
                out.add(ClientSweep.outcome(() -> r.blpop(0.01, "nothing")));
            }
            return out;
        };
        ClientSweep.assertSame(run.apply(servers.redis().port()), run.apply(servers.jredis().port()));
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void pubSubListenersAndTrackingPushMessages(ProtocolVersion protocol) throws Exception {
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            List<String> out = new ArrayList<>();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
            RedisURI uri = RedisURI.create("127.0.0.1", port);
            try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub(uri);
                    StatefulRedisConnection<String, String> pub = client.connect(uri)) {
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        events.add("message " + channel + " " + message);
                    }

                    @Override
                    public void message(String pattern, String channel, String message) {
                        events.add("pmessage " + pattern + " " + channel + " " + message);
                    }

                    @Override
                    public void smessage(String channel, String message) {
                        events.add("smessage " + channel + " " + message);
                    }
                });
                sub.sync().subscribe("c1");
                sub.sync().psubscribe("p*");
                sub.sync().ssubscribe("s1");
                out.add("ping in subscribed " + ClientSweep.outcome(() -> sub.sync().ping()));
                out.add("get in subscribed " + ClientSweep.outcome(() -> sub.sync().get("x")));
                out.add("numsub " + pub.sync().pubsubNumsub("c1"));
                out.add("numpat " + pub.sync().pubsubNumpat());
                out.add("shardnumsub " + pub.sync().pubsubShardNumsub("s1"));
                out.add("publish " + pub.sync().publish("c1", "m1"));
                out.add("publish p " + pub.sync().publish("p1", "m2"));
                out.add("spublish " + pub.sync().spublish("s1", "m3"));
                Await.until("messages", 10, () -> events.size() == 3);
                sub.sync().unsubscribe();
                sub.sync().punsubscribe();
                if (protocol == ProtocolVersion.RESP3) {
                    // Lettuce itself refuses SUNSUBSCRIBE on a subscribed RESP2 connection.
                    sub.sync().sunsubscribe("s1");
                }
                out.add("after unsubscribe " + pub.sync().publish("c1", "m4"));
                out.addAll(events);

                if (protocol == ProtocolVersion.RESP2) {
                    sides.add(out);
                    continue;
                }
                // RESP3 tracking: invalidations arrive as push messages on the same connection.
                List<String> pushes = Collections.synchronizedList(new ArrayList<>());
                pub.addListener(m -> pushes.add(m.getType() + " " + ClientSweep.render(m.getContent(
                        io.lettuce.core.codec.StringCodec.UTF8::decodeKey))));
                out.add(ClientSweep.outcome(() -> pub.sync().clientTracking(TrackingArgs.Builder.enabled())));
                pub.sync().set("tk", "1");
                pub.sync().get("tk");
                pub.sync().set("tk", "2");
                Await.until("invalidation", 10, () -> !pushes.isEmpty());
                out.addAll(pushes);
                out.add(ClientSweep.outcome(() -> pub.sync().clientTracking(TrackingArgs.Builder.enabled(false))));
            }
            sides.add(out);
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }

    @Test
    void clientSideCachingFrontend() throws Exception {
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            List<String> out = new ArrayList<>();
            client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
            RedisURI uri = RedisURI.create("127.0.0.1", port);
            try (StatefulRedisConnection<String, String> c = client.connect(uri);
                    StatefulRedisConnection<String, String> writer = client.connect(uri)) {
                Map<String, String> cache = new ConcurrentHashMap<>();
                CacheFrontend<String, String> frontend = ClientSideCaching.enable(
                        io.lettuce.core.support.caching.CacheAccessor.forMap(cache), c,
                        TrackingArgs.Builder.enabled());
                writer.sync().set("ck", "v1");
                out.add("get " + frontend.get("ck"));
                out.add("cached " + cache);
                writer.sync().set("ck", "v2");
                Await.until("invalidated", 10, () -> cache.isEmpty());
                out.add("get after write " + frontend.get("ck"));
                frontend.close();
            }
            sides.add(out);
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }

    @Test
    void connectionSetUpAsLettuceDoesIt() {
        Function<Integer, List<String>> run = port -> {
            List<String> out = new ArrayList<>();
            try (StatefulRedisConnection<String, String> admin = connect(port, ProtocolVersion.RESP2)) {
                admin.sync().aclSetuser("app", io.lettuce.core.AclSetuserArgs.Builder.on().addPassword("secret")
                        .allKeys().allCommands().allChannels());
            }
            Object[][] variants = {
                {ProtocolVersion.RESP3, null, null, null, 0},
                {ProtocolVersion.RESP2, null, null, "n1", 3},
                {ProtocolVersion.RESP3, "app", "secret", "n2", 2},
                {ProtocolVersion.RESP2, "app", "secret", null, 0},
                {ProtocolVersion.RESP3, "app", "wrong", null, 0},
                {ProtocolVersion.RESP2, "app", "wrong", null, 0},
                {ProtocolVersion.RESP3, null, "pw", null, 0},
                {ProtocolVersion.RESP2, null, "pw", null, 0},
                {ProtocolVersion.RESP3, null, null, "bad name", 0},
                {ProtocolVersion.RESP3, null, null, null, 99},
            };
            for (Object[] v : variants) {
                client.setOptions(ClientOptions.builder().protocolVersion((ProtocolVersion) v[0]).build());
                RedisURI.Builder b = RedisURI.builder().withHost("127.0.0.1").withPort(port)
                        .withTimeout(Duration.ofSeconds(5)).withDatabase((Integer) v[4]);
                if (v[2] != null) {
                    b = v[1] == null ? b.withPassword(((String) v[2]).toCharArray())
                            : b.withAuthentication((String) v[1], (String) v[2]);
                }
                if (v[3] != null) {
                    b = b.withClientName((String) v[3]);
                }
                RedisURI uri = b.build();
                out.add(java.util.Arrays.toString(v) + " " + connectOutcome(() -> {
                    try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
                        return List.of(c.sync().ping(),
                                c.sync().aclWhoami(), String.valueOf(c.sync().clientGetname()), fieldNames(
                                        c.sync().clientInfo()).stream().filter(f -> f.startsWith("db=")
                                        || f.startsWith("lib") || f.startsWith("resp")).toList());
                    }
                }));
            }
            try (StatefulRedisConnection<String, String> admin = connect(port, ProtocolVersion.RESP2)) {
                admin.sync().configSet("requirepass", "topsecret");
            }
            for (ProtocolVersion pv : new ProtocolVersion[] {ProtocolVersion.RESP2, ProtocolVersion.RESP3}) {
                for (String pw : new String[] {null, "topsecret", "nope"}) {
                    client.setOptions(ClientOptions.builder().protocolVersion(pv).build());
                    RedisURI.Builder b = RedisURI.builder().withHost("127.0.0.1").withPort(port)
                            .withTimeout(Duration.ofSeconds(5));
                    if (pw != null) {
                        b = b.withPassword(pw.toCharArray());
                    }
                    RedisURI uri = b.build();
                    out.add(pv + " " + pw + " " + connectOutcome(() -> {
                        try (StatefulRedisConnection<String, String> c = client.connect(uri)) {
                            return List.of(c.sync().ping(), fieldNames(c.sync().clientInfo()).stream().filter(f -> f.startsWith("resp")).toList());
                        }
                    }));
                }
            }
            client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
            try (StatefulRedisConnection<String, String> admin = client.connect(RedisURI.builder()
                    .withHost("127.0.0.1").withPort(port).withPassword("topsecret".toCharArray()).build())) {
                admin.sync().configSet("requirepass", "");
                admin.sync().aclDeluser("app");
            }
            return out;
        };
        ClientSweep.assertSame(masked(run.apply(servers.redis().port())),
                masked(run.apply(servers.jredis().port())));
    }

    /**
     * The outcome of a connection attempt. When the server refuses the handshake, Lettuce sometimes reports its own
     * teardown ("RedisHandshakeHandler not registered", "Connection closed prematurely") instead of the server's
     * error, whichever server it talks to (both keep the connection open); a few attempts get the server's word.
     */
    private static String connectOutcome(ClientSweep.Call call) {
        String o = ClientSweep.outcome(call);
        for (int i = 0; i < 5 && (o.contains("RedisHandshakeHandler not registered")
                || o.contains("Connection closed prematurely")); i++) {
            o = ClientSweep.outcome(call);
        }
        return o;
    }

    private static List<String> masked(List<String> outcomes) {
        return outcomes.stream().map(o -> o.replaceAll(":\\d{4,5}", ":PORT")).toList();
    }

    @Test
    void trackingRedirectAndKeyspaceNotificationsInResp2() throws Exception {
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            List<String> out = new ArrayList<>();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
            RedisURI uri = RedisURI.create("127.0.0.1", port);
            try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub(uri);
                    StatefulRedisConnection<String, String> c = client.connect(uri)) {
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        events.add("message " + channel + " " + message);
                    }

                    @Override
                    public void message(String pattern, String channel, String message) {
                        events.add("pmessage " + pattern + " " + channel + " " + message);
                    }
                });
                long subId = sub.sync().clientId();
                sub.sync().subscribe("__redis__:invalidate");
                out.add(ClientSweep.outcome(() -> c.sync().clientTracking(TrackingArgs.Builder.enabled()
                        .redirect(subId).optin())));
                out.add(ClientSweep.outcome(() -> c.sync().clientTrackinginfo().getRedirect() == subId));
                c.sync().clientCaching(true);
                c.sync().get("t1");
                c.sync().get("t2");
                c.sync().set("t2", "x");
                c.sync().set("t1", "x");
                Await.until("invalidation", 10, () -> events.size() == 1);
                out.add(ClientSweep.outcome(() -> c.sync().clientTracking(TrackingArgs.Builder.enabled(false))));
                c.sync().configSet("notify-keyspace-events", "KEA");
                sub.sync().psubscribe("__key*@0__:*");
                c.sync().set("n1", "v");
                c.sync().expire("n1", 100);
                c.sync().del("n1");
                c.sync().lpush("n2", "a");
                c.sync().lpop("n2");
                c.sync().publish("__redis__:invalidate", "end");
                Await.until("notifications", 10, () -> events.contains("message __redis__:invalidate end"));
                c.sync().configSet("notify-keyspace-events", "");
            }
            out.addAll(events);
            sides.add(out);
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }

    @Test
    void reconnectAfterClientKillRestoresConnectionState() throws Exception {
        List<List<String>> sides = new ArrayList<>();
        for (int port : new int[] {servers.redis().port(), servers.jredis().port()}) {
            List<String> out = new ArrayList<>();
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
            RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withClientName("rc")
                    .withTimeout(Duration.ofSeconds(5)).build();
            try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub(uri);
                    StatefulRedisConnection<String, String> c = client.connect(uri);
                    StatefulRedisConnection<String, String> admin = client.connect(RedisURI.create("127.0.0.1",
                            port))) {
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        events.add("message " + channel + " " + message);
                    }
                });
                sub.sync().subscribe("rc1");
                c.sync().select(3);
                c.sync().set("k3", "v");
                out.add("killed " + admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typeNormal().skipme()));
                out.add("killed pubsub " + admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.typePubsub()));
                out.add("after reconnect " + ClientSweep.outcome(() -> List.of(c.sync().get("k3"),
                        c.sync().clientGetname())));
                Await.until("resubscribed", 10, () -> admin.sync().pubsubNumsub("rc1").get("rc1") == 1);
                out.add("publish " + admin.sync().publish("rc1", "hi"));
                Await.until("message", 10, () -> !events.isEmpty());
                out.addAll(events);
            }
            sides.add(out);
        }
        ClientSweep.assertSame(sides.get(0), sides.get(1));
    }
}
