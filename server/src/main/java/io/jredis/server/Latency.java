package io.jredis.server;

import io.jredis.server.command.CommandSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Latency data: the latency monitor's events (Redis's latency.c: the latest 160 samples per event above
 * {@code latency-monitor-threshold}) and per-command latency histograms for INFO latencystats and LATENCY
 * HISTOGRAM, with the bucket layout of the HdrHistogram Redis uses (2 significant digits, 1 ns to 1 s).
 */
public final class Latency {
    /** Redis's LATENCY_TS_LEN. */
    static final int HISTORY = 160;

    /** One event's time series: samples of {time (unix s), latency (ms)} and the all-time maximum. */
    public static final class Event {
        public final long[][] samples = new long[HISTORY][];
        public int idx;
        public long max;

        /** Samples oldest first. */
        public java.util.List<long[]> history() {
            java.util.List<long[]> out = new java.util.ArrayList<>();
            for (int j = 0; j < HISTORY; j++) {
                long[] s = samples[(idx + j) % HISTORY];
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        }

        /** The most recent sample. */
        public long[] latest() {
            return samples[(idx + HISTORY - 1) % HISTORY];
        }
    }

    private final Engine engine;
    private final Map<String, Event> events = new LinkedHashMap<>();

    Latency(Engine engine) {
        this.engine = engine;
    }

    /**
     * Records a command's duration: a monitor event when over the threshold, and its histogram sample unless
     * {@code blocked} (a command that blocked its client is sampled once its wait ends, see
     * {@link #histogramSample}).
     */
    void commandDone(CommandSpec cmd, long micros, boolean slowlogged, boolean blocked) {
        // The threshold first: the flag lookup is a hash-set probe, and most commands are under it.
        if (slowlogged && monitored(micros / 1000)) {
            addSample(cmd.hasFlag("fast") ? "fast-command" : "command", micros / 1000);
        }
        if (!blocked) {
            histogramSample(cmd, micros);
        }
    }

    /** A sample of {@code micros} in the command's latency histogram, when latency-tracking is on. */
    void histogramSample(CommandSpec cmd, long micros) {
        if (engine.config().latencyTracking.value()) {
            Histogram h = cmd.latencyHistogram;
            if (h == null) {
                h = new Histogram();
                cmd.latencyHistogram = h;
            }
            h.record(micros * 1000);
        }
    }

    /** Redis's latencyAddSampleIfNeeded: a sample of {@code event} when latency-monitor-threshold is reached. */
    void addSampleIfNeeded(String event, long ms) {
        if (monitored(ms)) {
            addSample(event, ms);
        }
    }

    /** Whether an event that took {@code ms} is over latency-monitor-threshold (0: monitoring off). */
    private boolean monitored(long ms) {
        long threshold = engine.config().latencyMonitorThreshold.value();
        return threshold > 0 && ms >= threshold;
    }

    /** Redis's latencyAddSample: one sample per second per event, the highest of that second kept. */
    public void addSample(String event, long ms) {
        Event e = events.computeIfAbsent(event, k -> new Event());
        long now = engine.now() / 1000;
        long[] prev = e.samples[(e.idx + HISTORY - 1) % HISTORY];
        e.max = Math.max(e.max, ms);
        if (prev != null && prev[0] == now) {
            prev[1] = Math.max(prev[1], ms);
            return;
        }
        e.samples[e.idx] = new long[] {now, ms};
        e.idx = (e.idx + 1) % HISTORY;
    }

    public Map<String, Event> events() {
        return events;
    }

    /** LATENCY RESET: forgets the named events (all when none); returns how many were reset. */
    public int reset(java.util.Collection<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String name : names) {
            if (events.remove(name) != null) {
                n++;
            }
        }
        return n;
    }

    /** An HdrHistogram of nanosecond values: 2 significant digits (256 sub-buckets), 1 ns to 1 s. */
    public static final class Histogram {
        static final long MIN = 1;
        static final long MAX = 1_000_000_000L;
        private static final int SUB_HALF_MAG = 7;
        private static final int SUB_HALF = 1 << SUB_HALF_MAG;
        private final long[] counts = new long[index(MAX) + 1];
        private long total;

        void record(long ns) {
            long v = Math.max(MIN, Math.min(MAX, ns));
            counts[index(v)]++;
            total++;
        }

        public long total() {
            return total;
        }

        private static int bucket(long v) {
            return 64 - Long.numberOfLeadingZeros(v | 255) - (SUB_HALF_MAG + 1);
        }

        static int index(long v) {
            int b = bucket(v);
            int sub = (int) (v >>> b);
            return ((b + 1) << SUB_HALF_MAG) + sub - SUB_HALF;
        }

        private static long valueAt(int index) {
            int b = (index >> SUB_HALF_MAG) - 1;
            int sub = (index & (SUB_HALF - 1)) + SUB_HALF;
            if (b < 0) {
                sub -= SUB_HALF;
                b = 0;
            }
            return (long) sub << b;
        }

        /** The largest value counted together with {@code v}. */
        static long highestEquivalent(long v) {
            int b = bucket(v);
            int sub = (int) (v >>> b);
            long lowest = (long) sub << b;
            long size = 1L << (sub >= 2 * SUB_HALF ? b + 1 : b);
            return lowest + size - 1;
        }

        /** hdr_value_at_percentile, in ns. */
        public long valueAtPercentile(double p) {
            double requested = Math.min(p, 100.0);
            long wanted = Math.max(1, (long) (requested / 100 * total + 0.5));
            long sum = 0;
            for (int i = 0; i < counts.length; i++) {
                sum += counts[i];
                if (sum >= wanted) {
                    return highestEquivalent(valueAt(i));
                }
            }
            return 0;
        }

        /**
         * LATENCY HISTOGRAM's cumulative buckets: {upper bound in µs, count of calls at or below} at powers of two
         * from 1024 ns, only where the count grew, as Redis's log iteration prints them.
         */
        public java.util.List<long[]> cumulativeBuckets() {
            java.util.List<long[]> out = new java.util.ArrayList<>();
            long cumulative = 0;
            long previous = 0;
            int i = 0;
            for (long level = 1024; cumulative < total; level *= 2) {
                int upTo = index(Math.min(level, MAX));
                while (i <= upTo) {
                    cumulative += counts[i++];
                }
                if (cumulative > previous) {
                    out.add(new long[] {highestEquivalent(level) / 1000, cumulative});
                }
                previous = cumulative;
                if (level >= MAX) {
                    break;
                }
            }
            return out;
        }
    }
}
