package io.jredis.server.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code save <seconds> <changes> [...]}: the RDB save points. CONFIG SET replaces them all ({@code ""} clears
 * them); in config files the first {@code save} line drops the defaults, later lines add points and
 * {@code save ""} clears them.
 */
public final class SaveDirective extends Directive {
    /** One save point: snapshot after {@code seconds} if at least {@code changes} writes happened. */
    public record Point(long seconds, int changes) {}

    private List<Point> points = List.of(new Point(3600, 1), new Point(300, 100), new Point(60, 10000));
    private boolean loadedFromFile;

    public SaveDirective(int flags) {
        super("save", flags | MULTI_ARG);
    }

    public List<Point> points() {
        return points;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        points = List.copyOf(parse(args));
        return true;
    }

    @Override
    boolean load(String[] args) throws ConfigException {
        List<Point> parsed = parse(args);
        boolean clears = args.length == 1 && args[0].isEmpty();
        List<Point> next = new ArrayList<>(loadedFromFile && !clears ? points : List.of());
        next.addAll(parsed);
        loadedFromFile = true;
        points = List.copyOf(next);
        return true;
    }

    private static List<Point> parse(String[] args) throws ConfigException {
        int n = args.length == 1 && args[0].isEmpty() ? 0 : args.length;
        if (n % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        List<Point> out = new ArrayList<>();
        for (int j = 0; j < n; j += 2) {
            Long seconds = CNumbers.strtoll(args[j], 10, false);
            Long changes = CNumbers.strtoll(args[j + 1], 10, false);
            if (seconds == null || changes == null || seconds < 1 || changes < 0) {
                throw new ConfigException("Invalid save parameters");
            }
            // Redis keeps the count in an int: larger values wrap, as they do there.
            out.add(new Point(seconds, changes.intValue()));
        }
        return out;
    }

    @Override
    public String get() {
        StringBuilder sb = new StringBuilder();
        for (Point p : points) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(p.seconds).append(' ').append(p.changes);
        }
        return sb.toString();
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        if (points.isEmpty()) {
            rw.line(name(), "save \"\"", true);
        } else {
            for (Point p : points) {
                rw.line(name(), "save " + p.seconds + " " + p.changes, true);
            }
        }
        rw.markProcessed(name());
    }
}
