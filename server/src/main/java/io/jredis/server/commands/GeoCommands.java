package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.KeyspaceEvents;
import io.jredis.server.command.CommandTable;
import io.jredis.server.db.ZSetValue;
import io.jredis.server.protocol.Reply;
import io.jredis.server.util.Bytes;
import io.jredis.server.util.Doubles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Geo commands (Redis's geo.c): a geo set is a sorted set whose scores are 52-bit geohashes of the members'
 * positions (see {@link GeoHash}). GEOADD adds through ZADD, and propagates as that ZADD; searches scan the sorted
 * set ranges of the 9 cells covering the area and keep the members inside it.
 */
final class GeoCommands {
    private static final ZSetValue WRONG = new ZSetValue();
    private static final byte[] ZADD = Bytes.of("zadd");
    private static final byte[] GEOHASH_ALPHABET = Bytes.of("0123456789bcdefghjkmnpqrstuvwxyz");

    /** Search around coordinates given as arguments (GEORADIUS). */
    private static final int COORDS = 1;
    /** Search around a member's position (GEORADIUSBYMEMBER). */
    private static final int MEMBER = 1 << 1;
    /** No STORE/STOREDIST (the _RO variants). */
    private static final int NOSTORE = 1 << 2;
    /** GEOSEARCH's FROM.../BY... syntax. */
    private static final int SEARCH = 1 << 3;
    /** GEOSEARCHSTORE: a destination key first, STOREDIST as a flag. */
    private static final int SEARCHSTORE = 1 << 4;

    private enum Sort { NONE, ASC, DESC }

    private GeoCommands() {}

    static void register(Engine engine) {
        CommandTable t = engine.commands();
        t.register("geoadd", GeoCommands::geoadd);
        t.register("geodist", GeoCommands::geodist);
        t.register("geohash", GeoCommands::geohash);
        t.register("geopos", GeoCommands::geopos);
        t.register("georadius", (c, argv) -> search(c, argv, 1, COORDS));
        t.register("georadius_ro", (c, argv) -> search(c, argv, 1, COORDS | NOSTORE));
        t.register("georadiusbymember", (c, argv) -> search(c, argv, 1, MEMBER));
        t.register("georadiusbymember_ro", (c, argv) -> search(c, argv, 1, MEMBER | NOSTORE));
        t.register("geosearch", (c, argv) -> search(c, argv, 1, SEARCH));
        t.register("geosearchstore", (c, argv) -> search(c, argv, 2, SEARCH | SEARCHSTORE));
    }

    // ---- argument helpers ----

    private static ZSetValue zsetRead(Client c, byte[] key) {
        return Args.typed(c, c.engine().lookupRead(c.db(), key), ZSetValue.class, WRONG);
    }

    /** A float argument, or null after replying {@code error}. */
    private static Double number(Client c, byte[] arg, String error) {
        double[] d = new double[1];
        if (!Bytes.parseDouble(arg, d)) {
            c.engine().error(c, error);
            return null;
        }
        return d[0];
    }

    /** Longitude and latitude at {@code argv[i]}, {@code argv[i+1]}, or null after replying the error. */
    private static double[] lonLat(Client c, byte[][] argv, int i) {
        Double lon = number(c, argv[i], Args.NOT_FLOAT);
        if (lon == null) {
            return null;
        }
        Double lat = number(c, argv[i + 1], Args.NOT_FLOAT);
        if (lat == null) {
            return null;
        }
        if (lon < GeoHash.LONG_MIN || lon > GeoHash.LONG_MAX || lat < GeoHash.LAT_MIN || lat > GeoHash.LAT_MAX) {
            c.engine().error(c, "ERR invalid longitude,latitude pair " + Doubles.fixed(lon, 6) + "," + Doubles.fixed(lat, 6));
            return null;
        }
        return new double[] {lon, lat};
    }

    /** Metres per unit, or -1 after replying the error. */
    private static double unit(Client c, byte[] u) {
        if (Bytes.eqIgnoreCase(u, "m")) {
            return 1;
        } else if (Bytes.eqIgnoreCase(u, "km")) {
            return 1000;
        } else if (Bytes.eqIgnoreCase(u, "ft")) {
            return 0.3048;
        } else if (Bytes.eqIgnoreCase(u, "mi")) {
            return 1609.34;
        }
        c.engine().error(c, "ERR unsupported unit provided. please use M, KM, FT, MI");
        return -1;
    }

    /** RADIUS unit at {@code argv[i]}: fills the shape's radius and conversion; false after replying an error. */
    private static boolean radius(Client c, byte[][] argv, int i, GeoHash.Shape s) {
        Double r = number(c, argv[i], "ERR need numeric radius");
        if (r == null) {
            return false;
        }
        if (r < 0) {
            c.engine().error(c, "ERR radius cannot be negative");
            return false;
        }
        s.radius = r;
        double conversion = unit(c, argv[i + 1]);
        if (conversion < 0) {
            return false;
        }
        s.conversion = conversion;
        return true;
    }

    /** WIDTH HEIGHT unit at {@code argv[i]}: fills the shape's box and conversion; false after replying an error. */
    private static boolean box(Client c, byte[][] argv, int i, GeoHash.Shape s) {
        Double w = number(c, argv[i], "ERR need numeric width");
        if (w == null) {
            return false;
        }
        Double h = number(c, argv[i + 1], "ERR need numeric height");
        if (h == null) {
            return false;
        }
        if (h < 0 || w < 0) {
            c.engine().error(c, "ERR height or width cannot be negative");
            return false;
        }
        s.width = w;
        s.height = h;
        double conversion = unit(c, argv[i + 2]);
        if (conversion < 0) {
            return false;
        }
        s.conversion = conversion;
        return true;
    }

    /** A distance as Redis replies it: a bulk string with 4 decimals. */
    private static void distanceReply(Client c, double d) {
        c.reply().bulk(Doubles.fixedPoint(d, 4));
    }

    /**
     * A coordinate as Redis's addReplyHumanLongDouble: {@code %.17Lf} without trailing zeros, as a bulk string in
     * RESP2 and a double in RESP3. Coordinates are at most 180 in magnitude, which {@link Doubles#human17} always
     * prints.
     */
    private static void coordinateReply(Client c, double d) {
        byte[] s = Doubles.human17(d);
        Reply r = c.reply();
        if (r.resp3()) {
            byte[] encoded = new byte[s.length + 3];
            encoded[0] = ',';
            System.arraycopy(s, 0, encoded, 1, s.length);
            encoded[s.length + 1] = '\r';
            encoded[s.length + 2] = '\n';
            r.raw(encoded);
        } else {
            r.bulk(s);
        }
    }

    // ---- GEOADD, GEOPOS, GEOHASH, GEODIST ----

    /** GEOADD key [NX|XX] [CH] longitude latitude member [...]: runs and propagates as ZADD with geohash scores. */
    private static void geoadd(Client c, byte[][] argv) {
        boolean nx = false;
        boolean xx = false;
        int first = 2;
        for (; first < argv.length; first++) {
            if (Bytes.eqIgnoreCase(argv[first], "nx")) {
                nx = true;
            } else if (Bytes.eqIgnoreCase(argv[first], "xx")) {
                xx = true;
            } else if (!Bytes.eqIgnoreCase(argv[first], "ch")) {
                break;
            }
        }
        if ((argv.length - first) % 3 != 0 || (nx && xx)) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        int elements = (argv.length - first) / 3;
        byte[][] zadd = new byte[first + elements * 2][];
        zadd[0] = ZADD;
        System.arraycopy(argv, 1, zadd, 1, first - 1);
        for (int i = 0; i < elements; i++) {
            double[] xy = lonLat(c, argv, first + i * 3);
            if (xy == null) {
                return;
            }
            zadd[first + i * 2] = Bytes.fromLong(GeoHash.score(xy[0], xy[1]));
            zadd[first + i * 2 + 1] = argv[first + i * 3 + 2];
        }
        c.engine().commands().lookup("zadd").handler().execute(c, zadd);
        c.engine().rewritePropagation(zadd);
    }

    /** GEOPOS key member [...]: each member's position, or a null array. */
    private static void geopos(Client c, byte[][] argv) {
        ZSetValue z = zsetRead(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        Reply r = c.reply();
        r.array(argv.length - 2);
        for (int j = 2; j < argv.length; j++) {
            Double score = z == null ? null : z.score(argv[j]);
            if (score == null) {
                r.nullArray();
                continue;
            }
            double[] xy = GeoHash.decodeScore(score);
            r.array(2);
            coordinateReply(c, xy[0]);
            coordinateReply(c, xy[1]);
        }
    }

    /**
     * GEOHASH key member [...]: the standard 11-character geohash of each member. Scores use the Mercator latitude
     * range, so the position is decoded and re-encoded with the standard ±90° range; the 11th character stands for
     * bits a 52-bit score does not have and is always '0'.
     */
    private static void geohash(Client c, byte[][] argv) {
        ZSetValue z = zsetRead(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        Reply r = c.reply();
        r.array(argv.length - 2);
        for (int j = 2; j < argv.length; j++) {
            Double score = z == null ? null : z.score(argv[j]);
            if (score == null) {
                r.nullBulk();
                continue;
            }
            double[] xy = GeoHash.decodeScore(score);
            long bits = GeoHash.encode(-180, 180, -90, 90, xy[0], xy[1], GeoHash.STEP_MAX);
            byte[] out = new byte[11];
            for (int i = 0; i < 11; i++) {
                int idx = i == 10 ? 0 : (int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f);
                out[i] = GEOHASH_ALPHABET[idx];
            }
            r.bulk(out);
        }
    }

    /** GEODIST key member1 member2 [unit] */
    private static void geodist(Client c, byte[][] argv) {
        double toMeters = 1;
        if (argv.length == 5) {
            toMeters = unit(c, argv[4]);
            if (toMeters < 0) {
                return;
            }
        } else if (argv.length > 5) {
            c.engine().error(c, Args.SYNTAX);
            return;
        }
        ZSetValue z = zsetRead(c, argv[1]);
        if (z == WRONG) {
            return;
        }
        Double s1 = z == null ? null : z.score(argv[2]);
        Double s2 = s1 == null ? null : z.score(argv[3]);
        if (s2 == null) {
            c.reply().nullBulk();
            return;
        }
        double[] a = GeoHash.decodeScore(s1);
        double[] b = GeoHash.decodeScore(s2);
        distanceReply(c, GeoHash.distance(a[0], a[1], b[0], b[1]) / toMeters);
    }

    // ---- searches ----

    /** A member found by a search: its position (cell centre), distance from the centre in metres, and score. */
    private static final class Point {
        final byte[] member;
        final double score;
        final double lon;
        final double lat;
        double dist;

        Point(byte[] member, double score, double lon, double lat, double dist) {
            this.member = member;
            this.score = score;
            this.lon = lon;
            this.lat = lat;
            this.dist = dist;
        }
    }

    private static final Comparator<Point> ASCENDING = (a, b) -> a.dist > b.dist ? 1 : a.dist == b.dist ? 0 : -1;
    private static final Comparator<Point> DESCENDING = (a, b) -> -ASCENDING.compare(a, b);

    /**
     * GEORADIUS, GEORADIUSBYMEMBER (and _RO), GEOSEARCH and GEOSEARCHSTORE (Redis's georadiusGeneric): options are
     * validated in argument order, each as it is met, before the source key's absence is acted on.
     */
    private static void search(Client c, byte[][] argv, int srcIdx, int flags) {
        ZSetValue z = zsetRead(c, argv[srcIdx]);
        if (z == WRONG) {
            return;
        }
        GeoHash.Shape shape = new GeoHash.Shape();
        byte[] storeKey = null;
        boolean storeDist = false;
        int base;
        if ((flags & COORDS) != 0) {
            base = 6;
            double[] xy = lonLat(c, argv, 2);
            if (xy == null || !radius(c, argv, base - 2, shape)) {
                return;
            }
            shape.lon = xy[0];
            shape.lat = xy[1];
        } else if ((flags & MEMBER) != 0) {
            base = 5;
            // Without a source key the options are still parsed, to know which empty reply to send.
            if (z != null) {
                Double score = z.score(argv[2]);
                if (score == null) {
                    c.engine().error(c, "ERR could not decode requested zset member");
                    return;
                }
                double[] xy = GeoHash.decodeScore(score);
                shape.lon = xy[0];
                shape.lat = xy[1];
                if (!radius(c, argv, base - 2, shape)) {
                    return;
                }
            }
        } else {
            base = 2;
            if ((flags & SEARCHSTORE) != 0) {
                base = 3;
                storeKey = argv[1];
            }
        }

        boolean withDist = false;
        boolean withHash = false;
        boolean withCoord = false;
        boolean fromMember = false;
        boolean fromLonLat = false;
        boolean byRadius = false;
        boolean byBox = false;
        boolean any = false;
        Sort sort = Sort.NONE;
        long count = 0;
        boolean search = (flags & SEARCH) != 0;
        boolean storeOptions = (flags & NOSTORE) == 0 && !search;
        int remaining = argv.length - base;
        for (int i = 0; i < remaining; i++) {
            byte[] arg = argv[base + i];
            if (Bytes.eqIgnoreCase(arg, "withdist")) {
                withDist = true;
            } else if (Bytes.eqIgnoreCase(arg, "withhash")) {
                withHash = true;
            } else if (Bytes.eqIgnoreCase(arg, "withcoord")) {
                withCoord = true;
            } else if (Bytes.eqIgnoreCase(arg, "any")) {
                any = true;
            } else if (Bytes.eqIgnoreCase(arg, "asc")) {
                sort = Sort.ASC;
            } else if (Bytes.eqIgnoreCase(arg, "desc")) {
                sort = Sort.DESC;
            } else if (Bytes.eqIgnoreCase(arg, "count") && i + 1 < remaining) {
                Long n = Bytes.toLong(argv[base + i + 1]);
                if (n == null) {
                    c.engine().error(c, Args.NOT_INTEGER);
                    return;
                }
                if (n <= 0) {
                    c.engine().error(c, "ERR COUNT must be > 0");
                    return;
                }
                count = n;
                i++;
            } else if (Bytes.eqIgnoreCase(arg, "store") && i + 1 < remaining && storeOptions) {
                storeKey = argv[base + i + 1];
                storeDist = false;
                i++;
            } else if (Bytes.eqIgnoreCase(arg, "storedist") && i + 1 < remaining && storeOptions) {
                storeKey = argv[base + i + 1];
                storeDist = true;
                i++;
            } else if (Bytes.eqIgnoreCase(arg, "storedist") && (flags & SEARCHSTORE) != 0) {
                storeDist = true;
            } else if (Bytes.eqIgnoreCase(arg, "frommember") && i + 1 < remaining && search && !fromLonLat) {
                if (z != null) {
                    Double score = z.score(argv[base + i + 1]);
                    if (score == null) {
                        c.engine().error(c, "ERR could not decode requested zset member");
                        return;
                    }
                    double[] xy = GeoHash.decodeScore(score);
                    shape.lon = xy[0];
                    shape.lat = xy[1];
                }
                fromMember = true;
                i++;
            } else if (Bytes.eqIgnoreCase(arg, "fromlonlat") && i + 2 < remaining && search && !fromMember) {
                double[] xy = lonLat(c, argv, base + i + 1);
                if (xy == null) {
                    return;
                }
                shape.lon = xy[0];
                shape.lat = xy[1];
                fromLonLat = true;
                i += 2;
            } else if (Bytes.eqIgnoreCase(arg, "byradius") && i + 2 < remaining && search && !byBox) {
                if (!radius(c, argv, base + i + 1, shape)) {
                    return;
                }
                shape.box = false;
                byRadius = true;
                i += 2;
            } else if (Bytes.eqIgnoreCase(arg, "bybox") && i + 3 < remaining && search && !byRadius) {
                if (!box(c, argv, base + i + 1, shape)) {
                    return;
                }
                shape.box = true;
                byBox = true;
                i += 3;
            } else {
                c.engine().error(c, Args.SYNTAX);
                return;
            }
        }

        if (storeKey != null && (withDist || withHash || withCoord)) {
            c.engine().error(c, "ERR " + ((flags & SEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        if (search && !(fromMember || fromLonLat)) {
            c.engine().error(c, "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for "
                    + new String(argv[0], StandardCharsets.ISO_8859_1));
            return;
        }
        if (search && !(byRadius || byBox)) {
            c.engine().error(c, "ERR exactly one of BYRADIUS and BYBOX can be specified for "
                    + new String(argv[0], StandardCharsets.ISO_8859_1));
            return;
        }
        if (any && count == 0) {
            c.engine().error(c, "ERR the ANY argument requires COUNT argument");
            return;
        }

        if (z == null) {
            if (storeKey != null) {
                deleteStore(c, storeKey);
                c.reply().integer(0);
            } else {
                c.reply().array(0);
            }
            return;
        }

        // The nearest N need a sort; ANY takes the first N found instead.
        if (count != 0 && sort == Sort.NONE && !any) {
            sort = Sort.ASC;
        }
        List<Point> found = new ArrayList<>();
        shape.prepare();
        collect(z, GeoHash.cover(shape), shape, found, any ? count : 0);
        if (found.isEmpty() && storeKey == null) {
            c.reply().array(0);
            return;
        }
        Point[] points = found.toArray(new Point[0]);
        int returned = count == 0 || points.length < count ? points.length : (int) count;
        if (sort != Sort.NONE) {
            Comparator<Point> cmp = sort == Sort.ASC ? ASCENDING : DESCENDING;
            if (returned == points.length) {
                PartialSort.mergeSort(points, cmp);
            } else {
                PartialSort.pqsort(points, 0, points.length, cmp, 0, returned - 1);
            }
        }
        for (int i = 0; i < returned; i++) {
            points[i].dist /= shape.conversion;
        }
        if (storeKey == null) {
            reply(c, points, returned, withDist, withHash, withCoord);
        } else {
            store(c, storeKey, points, returned, storeDist, search);
        }
    }

    /** Collects the members inside the shape from the cover's cells, stopping at {@code limit} (0: no limit). */
    private static void collect(ZSetValue z, GeoHash.Cover cover, GeoHash.Shape shape, List<Point> out, long limit) {
        GeoHash.Cell[] cells = cover.cells();
        int lastProcessed = 0;
        for (int i = 0; i < cells.length; i++) {
            if (cells[i].none()) {
                continue;
            }
            // With huge radii neighbours can be the same cell: each is scanned once (Redis compares with the
            // previous scanned neighbour only, never with the centre).
            if (lastProcessed != 0 && cells[i].sameAs(cells[lastProcessed])) {
                continue;
            }
            if (!out.isEmpty() && limit != 0 && out.size() >= limit) {
                break;
            }
            inCell(z, cells[i], shape, out, limit);
            lastProcessed = i;
        }
    }

    /** Adds the members whose score is in the cell's range [min, max) and whose position is inside the shape. */
    private static void inCell(ZSetValue z, GeoHash.Cell cell, GeoHash.Shape shape, List<Point> out, long limit) {
        double min = cell.align52();
        double max = new GeoHash.Cell(cell.bits() + 1, cell.step()).align52();
        z.forScores(min, max, (member, score) -> {
            if (limit != 0 && out.size() >= limit) {
                return;
            }
            long numbers = GeoHash.scoreCell(score);
            double lon = GeoHash.cellLon(numbers);
            double lat = GeoHash.cellLat(numbers);
            double dist = shape.distanceIfInside(lon, lat);
            if (dist < 0) {
                return;
            }
            out.add(new Point(member, score, lon, lat, dist));
        });
    }

    private static void reply(Client c, Point[] points, int returned, boolean withDist, boolean withHash,
            boolean withCoord) {
        int options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
        Reply r = c.reply();
        r.array(returned);
        for (int i = 0; i < returned; i++) {
            Point p = points[i];
            if (options > 0) {
                r.array(options + 1);
            }
            r.bulk(p.member);
            if (withDist) {
                distanceReply(c, p.dist);
            }
            if (withHash) {
                r.integer(GeoHash.toInt64(p.score));
            }
            if (withCoord) {
                r.array(2);
                coordinateReply(c, p.lon);
                coordinateReply(c, p.lat);
            }
        }
    }

    /** STORE/STOREDIST: replaces the destination with the results (scores or distances), or deletes it. */
    private static void store(Client c, byte[] key, Point[] points, int returned, boolean storeDist, boolean search) {
        if (returned == 0) {
            deleteStore(c, key);
        } else {
            ZSetValue.Limits limits = ZSetCommands.limits(c.engine());
            ZSetValue z = new ZSetValue();
            for (int i = 0; i < returned; i++) {
                z.put(points[i].member, storeDist ? points[i].dist : points[i].score, limits);
            }
            c.db().set(key, z, false);
            Notify.event(c, KeyspaceEvents.ZSET, search ? "geosearchstore" : "georadiusstore", key);
            c.engine().dirty(returned);
        }
        c.reply().integer(returned);
    }

    /** An empty result deletes the destination: "del" and one change when it existed. */
    private static void deleteStore(Client c, byte[] key) {
        if (c.db().delete(key)) {
            c.db().signalModified(key);
            Notify.del(c, key);
            c.engine().dirty(1);
        }
    }
}
