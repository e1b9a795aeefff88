package io.jredis.server.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jredis.server.protocol.RespParser;
import io.jredis.server.testing.RawClient;
import io.jredis.server.testing.RealRedis;
import io.jredis.server.testing.SharedServerTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GeoAddParams;
import redis.clients.jedis.params.GeoRadiusParam;
import redis.clients.jedis.params.GeoRadiusStoreParam;
import redis.clients.jedis.params.GeoSearchParam;
import redis.clients.jedis.resps.GeoRadiusResponse;

/** Geo commands through Jedis, and what they propagate compared with a real redis-server's AOF. */
class GeoCommandsTest extends SharedServerTest {

    /**
     * A search rejects the points clearly outside its radius or box from bounds (the meridian distance, the haversine
     * term) before any arc sine: it must agree with the exact distance for every point, those exactly at the limit and
     * one ulp either side included.
     */
    @Test
    void searchBoundsAgreeWithTheExactDistanceAtTheLimit() {
        java.util.Random random = new java.util.Random(14);
        for (int i = 0; i < 100_000; i++) {
            double lon1 = random.nextDouble() * 360 - 180;
            double lat1 = random.nextDouble() * 170 - 85;
            double lon2 = i % 3 == 0 ? lon1 : lon1 + random.nextGaussian() * Math.pow(10, random.nextInt(4) - 2);
            // Members' latitudes never pass the Mercator limits.
            double lat2 = Math.max(GeoHash.LAT_MIN, Math.min(GeoHash.LAT_MAX,
                    lat1 + random.nextGaussian() * Math.pow(10, random.nextInt(4) - 2)));
            double d = GeoHash.distance(lon1, lat1, lon2, lat2);
            for (double limit : new double[] {d, Math.nextUp(d), Math.nextDown(d), d * 2, d / 2}) {
                GeoHash.Shape radius = shape(lon1, lat1, false, limit, 0, 0);
                assertEquals(d <= limit ? d : -1, radius.distanceIfInside(lon2, lat2),
                        "radius " + limit + " for " + lon1 + "," + lat1 + " " + lon2 + "," + lat2);
                // A box whose half width is that limit along the point's own parallel.
                double along = GeoHash.distance(lon2, lat2, lon1, lat2);
                double height = 2 * GeoHash.latDistance(lat1, lat2);
                for (double width : new double[] {2 * along, Math.nextUp(2 * along), Math.nextDown(2 * along)}) {
                    GeoHash.Shape box = shape(lon1, lat1, true, 0, width, height);
                    boolean inside = along <= width / 2 && GeoHash.latDistance(lat2, lat1) <= height / 2;
                    assertEquals(inside ? d : -1, box.distanceIfInside(lon2, lat2),
                            "box " + width + "x" + height + " for " + lon1 + "," + lat1 + " " + lon2 + "," + lat2);
                }
            }
        }
    }

    private static GeoHash.Shape shape(double lon, double lat, boolean box, double radius, double width,
            double height) {
        GeoHash.Shape s = new GeoHash.Shape();
        s.lon = lon;
        s.lat = lat;
        s.box = box;
        s.radius = radius;
        s.width = width;
        s.height = height;
        s.conversion = 1;
        s.prepare();
        return s;
    }

    @Test
    void jedisRoundTrip() {
        assertEquals(2, j.geoadd("Sicily", Map.of("Palermo", new GeoCoordinate(13.361389, 38.115556),
                "Catania", new GeoCoordinate(15.087269, 37.502669))));
        assertEquals(0, j.geoadd("Sicily", GeoAddParams.geoAddParams().nx(), Map.of("Palermo",
                new GeoCoordinate(1, 1))));
        assertEquals(166.2742, j.geodist("Sicily", "Palermo", "Catania", GeoUnit.KM), 1e-9);
        GeoCoordinate p = j.geopos("Sicily", "Palermo").get(0);
        assertEquals(13.36138933897018433, p.getLongitude(), 0);
        assertEquals(38.11555639549629859, p.getLatitude(), 0);
        assertNull(j.geopos("Sicily", "nosuch").get(0));
        assertEquals(List.of("sqc8b49rny0"), j.geohash("Sicily", "Palermo"));

        List<GeoRadiusResponse> near = j.georadius("Sicily", 15, 37, 200, GeoUnit.KM,
                GeoRadiusParam.geoRadiusParam().withDist().withCoord().withHash().sortAscending());
        assertEquals(List.of("Catania", "Palermo"), near.stream().map(GeoRadiusResponse::getMemberByString).toList());
        assertEquals(56.4413, near.get(0).getDistance(), 1e-9);
        assertEquals(3479447370796909L, near.get(0).getRawScore());
        assertEquals(15.08726745843887329, near.get(0).getCoordinate().getLongitude(), 0);

        List<GeoRadiusResponse> box = j.geosearch("Sicily", GeoSearchParam.geoSearchParam()
                .fromMember("Palermo").byBox(400, 400, GeoUnit.KM).desc().withDist());
        assertEquals("Catania", box.get(0).getMemberByString());
        assertEquals(166.2742, box.get(0).getDistance(), 1e-9);

        assertEquals(1, j.georadiusStore("Sicily", 15, 37, 100, GeoUnit.KM, GeoRadiusParam.geoRadiusParam(),
                GeoRadiusStoreParam.geoRadiusStoreParam().storeDist("near")));
        assertEquals(56.441257870158204, j.zscore("near", "Catania"), 0);

        JedisDataException e = assertThrows(JedisDataException.class,
                () -> j.geoadd("Sicily", 200, 10, "x"));
        assertEquals("ERR invalid longitude,latitude pair 200.000000,10.000000", e.getMessage());
        j.set("str", "v");
        e = assertThrows(JedisDataException.class, () -> j.geopos("str", "a"));
        assertEquals(Args.WRONGTYPE, e.getMessage());
    }

    @Test
    void storedResultsUseRedisEncodingLimits() throws Exception {
        List<String> args = new ArrayList<>(List.of("GEOADD", "g"));
        for (int i = 0; i < 200; i++) {
            args.addAll(List.of(Double.toString(10 + i * 0.001), "20", "m" + i));
        }
        j.sendCommand(redis.clients.jedis.Protocol.Command.GEOADD,
                args.subList(1, args.size()).toArray(new String[0]));
        assertEquals(128, j.geosearchStore("dst", "g", GeoSearchParam.geoSearchParam()
                .fromLonLat(10, 20).byRadius(1000, GeoUnit.KM).count(128)));
        assertEquals("listpack", server.encoding("dst"));
        assertEquals(129, j.geosearchStore("dst", "g", GeoSearchParam.geoSearchParam()
                .fromLonLat(10, 20).byRadius(1000, GeoUnit.KM).count(129)));
        assertEquals("skiplist", server.encoding("dst"));
    }

    /**
     * GEOADD propagates as the ZADD it runs (lower-case "zadd", options kept, integer scores); the STORE variants
     * propagate as received when they changed the destination, and nothing otherwise: the same commands as real
     * Redis writes to its AOF.
     */
    @Test
    void propagationMatchesRedisAof() throws Exception {
        String[][] script = {
            {"GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
            {"GEOADD", "g", "13.361389", "38.115556", "Palermo"},
            {"GEOADD", "g", "Ch", "xx", "13.4", "38.1", "Palermo", "1", "1", "nothere"},
            {"GEOADD", "g", "nx", "1", "1", "Palermo"},
            {"GEOADD", "g", "1", "1", "ok", "200", "1", "bad"},
            {"GEOADD", "g", "180", "85.05112878", "edge", "-180", "-85.05112878", "edge2"},
            {"GEORADIUS", "g", "15", "37", "200", "km"},
            {"GEORADIUS", "g", "15", "37", "200", "km", "STORE", "d1"},
            {"georadius", "g", "15", "37", "200", "km", "storedist", "d2", "count", "1"},
            {"GEORADIUSBYMEMBER", "g", "Palermo", "1", "km", "STORE", "d3"},
            {"GEORADIUS", "g", "0", "0", "1", "m", "STORE", "d1"},
            {"GEORADIUS", "g", "0", "0", "1", "m", "STORE", "d1"},
            {"GEORADIUS", "nokey", "0", "0", "1", "m", "STORE", "d2"},
            {"GEORADIUS", "nokey", "0", "0", "1", "m", "STORE", "d2"},
            {"GEOSEARCHSTORE", "d4", "g", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "STOREDIST"},
            {"GEOSEARCHSTORE", "d4", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"},
            {"GEOSEARCHSTORE", "d4", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"},
            {"GEOSEARCH", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km"},
            {"SET", "marker", "end"},
        };
        try (RealRedis redis = RealRedis.start("--appendonly", "yes", "--appendfsync", "always");
                RawClient real = new RawClient("127.0.0.1", redis.port());
                RawClient ours = new RawClient("127.0.0.1", server.port())) {
            propagated.clear();
            for (String[] cmd : script) {
                byte[][] argv = Stream.of(cmd).map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
                assertEquals(RawClient.text(RespParser.parseAll(real.callRaw(argv)).get(0)),
                        RawClient.text(RespParser.parseAll(ours.callRaw(argv)).get(0)), String.join(" ", cmd));
            }
            List<String> aof = aofCommands(redis.dir());
            assertEquals("SELECT 0", aof.get(0));
            assertEquals("SET marker end", aof.get(aof.size() - 1));
            assertEquals(aof.subList(1, aof.size()), new ArrayList<>(propagated));
            assertTrue(aof.get(1).startsWith("zadd g 3479099956230698 Palermo"), aof.get(1));
        }
    }

    /** The commands of the real server's incremental AOF file, each as its words joined by spaces. */
    private static List<String> aofCommands(Path dir) throws Exception {
        Path incr;
        try (Stream<Path> files = Files.list(dir.resolve("appendonlydir"))) {
            incr = files.filter(f -> f.getFileName().toString().endsWith(".incr.aof")).findFirst().orElseThrow();
        }
        return RespParser.parseAll(Files.readAllBytes(incr)).stream()
                .map(v -> ((List<?>) v).stream().map(a -> new String((byte[]) a, StandardCharsets.ISO_8859_1))
                        .collect(Collectors.joining(" ")))
                .toList();
    }
}
