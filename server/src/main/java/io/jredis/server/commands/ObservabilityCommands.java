package io.jredis.server.commands;

import io.jredis.server.Client;
import io.jredis.server.Engine;
import io.jredis.server.Latency;
import io.jredis.server.SlowLog;
import io.jredis.server.command.CommandSpec;
import io.jredis.server.util.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** SLOWLOG, LATENCY and MONITOR: what Redis's slowlog.c, latency.c and replicationFeedMonitors expose. */
final class ObservabilityCommands {
    private ObservabilityCommands() {}

    static void register(Engine engine) {
        var t = engine.commands();
        t.register("slowlog|get", ObservabilityCommands::slowlogGet);
        t.register("slowlog|len", (c, argv) -> c.reply().integer(c.engine().slowLog().size()));
        t.register("slowlog|reset", (c, argv) -> {
            c.engine().slowLog().reset();
            c.reply().ok();
        });
        t.register("slowlog|help", (c, argv) -> HelpReply.send(c, "SLOWLOG",
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog."));
        t.register("latency|latest", ObservabilityCommands::latencyLatest);
        t.register("latency|history", ObservabilityCommands::latencyHistory);
        t.register("latency|reset", ObservabilityCommands::latencyReset);
        t.register("latency|doctor", ObservabilityCommands::latencyDoctor);
        t.register("latency|histogram", ObservabilityCommands::latencyHistogram);
        t.register("latency|graph", ObservabilityCommands::latencyGraph);
        t.register("latency|help", (c, argv) -> HelpReply.send(c, "LATENCY",
                "DOCTOR",
                "    Return a human readable latency analysis report.",
                "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram for the specified"
                        + " command names.",
                "    If no commands are specified then all histograms are replied."));
        t.register("monitor", ObservabilityCommands::monitor);
    }

    /** SLOWLOG GET [count]: newest first, 10 by default, -1 for all. */
    private static void slowlogGet(Client c, byte[][] argv) {
        if (argv.length > 3) {
            c.engine().error(c, "ERR unknown subcommand or wrong number of arguments for '" + Bytes.str(argv[1])
                    + "'. Try SLOWLOG HELP.");
            return;
        }
        long count = 10;
        if (argv.length == 3) {
            Long n = Bytes.toLong(argv[2]);
            if (n == null || n < -1) {
                c.engine().error(c, "ERR count should be greater than or equal to -1");
                return;
            }
            count = n == -1 ? Long.MAX_VALUE : n;
        }
        List<SlowLog.Entry> out = new ArrayList<>();
        for (SlowLog.Entry e : c.engine().slowLog().entries()) {
            if (out.size() >= count) {
                break;
            }
            out.add(e);
        }
        c.reply().array(out.size());
        for (SlowLog.Entry e : out) {
            c.reply().array(6);
            c.reply().integer(e.id());
            c.reply().integer(e.time());
            c.reply().integer(e.micros());
            c.reply().array(e.argv().length);
            for (byte[] a : e.argv()) {
                c.reply().bulk(a);
            }
            c.reply().bulk(e.peer());
            c.reply().bulk(e.name());
        }
    }

    /** LATENCY LATEST: per event its latest sample time, latency and all-time maximum. */
    private static void latencyLatest(Client c, byte[][] argv) {
        Map<String, Latency.Event> events = c.engine().latency().events();
        c.reply().array(events.size());
        for (Map.Entry<String, Latency.Event> e : events.entrySet()) {
            long[] last = e.getValue().latest();
            c.reply().array(4);
            c.reply().bulk(e.getKey());
            c.reply().integer(last[0]);
            c.reply().integer(last[1]);
            c.reply().integer(e.getValue().max);
        }
    }

    /** LATENCY HISTORY event: its samples, oldest first; empty for an unknown event. */
    private static void latencyHistory(Client c, byte[][] argv) {
        Latency.Event e = c.engine().latency().events().get(Bytes.str(argv[2]));
        List<long[]> samples = e == null ? List.of() : e.history();
        c.reply().array(samples.size());
        for (long[] s : samples) {
            c.reply().array(2);
            c.reply().integer(s[0]);
            c.reply().integer(s[1]);
        }
    }

    private static void latencyReset(Client c, byte[][] argv) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < argv.length; i++) {
            names.add(Bytes.str(argv[i]));
        }
        c.reply().integer(c.engine().latency().reset(names));
    }

    /**
     * LATENCY DOCTOR: Redis's report opening and one line per event with its statistics (average, mean deviation,
     * period between spikes, worst case).
     */
    private static void latencyDoctor(Client c, byte[][] argv) {
        Map<String, Latency.Event> events = c.engine().latency().events();
        if (events.isEmpty() && c.engine().config().latencyMonitorThreshold.value() == 0) {
            c.reply().verbatim("I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis"
                    + " instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to"
                    + " enable it. If we weren't in a deep space mission I'd suggest to take a look at"
                    + " https://redis.io/topics/latency-monitor.\n");
            return;
        }
        if (events.isEmpty()) {
            c.reply().verbatim("Dave, no latency spike was observed during the lifetime of this Redis instance, not"
                    + " in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill,"
                    + " and think things over.\n");
            return;
        }
        StringBuilder sb = new StringBuilder("Dave, I have observed latency spikes in this Redis instance. You don't"
                + " mind talking about it, do you Dave?\n\n");
        int n = 1;
        for (Map.Entry<String, Latency.Event> e : events.entrySet()) {
            List<long[]> h = e.getValue().history();
            long sum = 0;
            for (long[] s : h) {
                sum += s[1];
            }
            long avg = sum / h.size();
            long dev = 0;
            for (long[] s : h) {
                dev += Math.abs(s[1] - avg);
            }
            dev /= h.size();
            long period = h.size() > 1 ? (h.get(h.size() - 1)[0] - h.get(0)[0]) / (h.size() - 1) : 0;
            sb.append(n++).append(". ").append(e.getKey()).append(": ").append(h.size())
                    .append(" latency spikes (average ").append(avg).append("ms, mean deviation ").append(dev)
                    .append("ms, period ").append(period).append(" sec). Worst all time event ")
                    .append(e.getValue().max).append("ms.\n");
        }
        c.reply().verbatim(sb.append('\n').toString());
    }

    /** Redis's LATENCY_GRAPH_COLS. */
    private static final int GRAPH_COLS = 80;
    private static final int GRAPH_ROWS = 4;
    private static final String SPARK_FILL = "_o#";

    /** LATENCY GRAPH event: Redis's ASCII sparkline of the event's samples, labelled with their age. */
    private static void latencyGraph(Client c, byte[][] argv) {
        String name = Bytes.str(argv[2]);
        Latency.Event e = c.engine().latency().events().get(name);
        if (e == null) {
            c.engine().error(c, "ERR No samples available for event '" + name + "'");
            return;
        }
        List<long[]> samples = e.history();
        long now = c.engine().now() / 1000;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        String[] labels = new String[samples.size()];
        for (int i = 0; i < labels.length; i++) {
            long[] s = samples.get(i);
            min = Math.min(min, s[1]);
            max = Math.max(max, s[1]);
            long elapsed = now - s[0];
            labels[i] = elapsed < 60 ? elapsed + "s" : elapsed < 3600 ? elapsed / 60 + "m"
                    : elapsed < 86400 ? elapsed / 3600 + "h" : elapsed / 86400 + "d";
        }
        StringBuilder sb = new StringBuilder().append(name).append(" - high ").append(max).append(" ms, low ")
                .append(min).append(" ms (all time high ").append(e.max).append(" ms)\n")
                .append("-".repeat(GRAPH_COLS)).append('\n');
        for (int j = 0; j < samples.size(); j += GRAPH_COLS) {
            if (j != 0) {
                sb.append('\n');
            }
            sparklineRange(sb, samples, labels, min, max, j, Math.min(GRAPH_COLS, samples.size() - j));
        }
        c.reply().verbatim(sb.toString());
    }

    /** Redis's sparklineRenderRange with SPARKLINE_FILL: the bars, a blank line, then the labels vertically. */
    private static void sparklineRange(StringBuilder out, List<long[]> samples, String[] labels, long min, long max,
            int offset, int len) {
        double relmax = max - min == 0 ? 1 : max - min;
        int steps = SPARK_FILL.length() * GRAPH_ROWS;
        char[] chars = new char[len];
        for (int row = 0; ; row++) {
            boolean loop = false;
            java.util.Arrays.fill(chars, ' ');
            for (int j = 0; j < len; j++) {
                double relval = samples.get(j + offset)[1] - min;
                int step = (int) ((int) (relval * steps) / relmax);
                step = Math.max(0, Math.min(steps - 1, step));
                if (row < GRAPH_ROWS) {
                    int idx = step - (GRAPH_ROWS - row - 1) * SPARK_FILL.length();
                    loop = true;
                    if (idx >= 0 && idx < SPARK_FILL.length()) {
                        chars[j] = SPARK_FILL.charAt(idx);
                    } else if (idx >= SPARK_FILL.length()) {
                        chars[j] = '|';
                    }
                } else {
                    if (row == GRAPH_ROWS) {
                        loop = true;
                        break;
                    }
                    String label = labels[j + offset];
                    int at = row - GRAPH_ROWS - 1;
                    if (label.length() > at) {
                        loop = true;
                        chars[j] = label.charAt(at);
                    }
                }
            }
            if (!loop) {
                return;
            }
            out.append(chars).append('\n');
        }
    }

    /** LATENCY HISTOGRAM [command ...]: per command (or container's subcommand) its calls and cumulative buckets. */
    private static void latencyHistogram(Client c, byte[][] argv) {
        List<CommandSpec> wanted = new ArrayList<>();
        if (argv.length == 2) {
            for (CommandSpec cmd : c.engine().commands().all()) {
                addTracked(cmd, wanted);
                for (CommandSpec sub : cmd.subcommands().values()) {
                    addTracked(sub, wanted);
                }
            }
        } else {
            for (int i = 2; i < argv.length; i++) {
                String name = Bytes.lower(argv[i]);
                int bar = name.indexOf('|');
                CommandSpec cmd = c.engine().commands().lookup(Bytes.of(bar < 0 ? name : name.substring(0, bar)));
                if (cmd != null && bar >= 0) {
                    cmd = cmd.subcommands().get(name.substring(bar + 1));
                }
                if (cmd == null) {
                    continue;
                }
                // As Redis: a container command brings its subcommands; a name given twice is replied twice.
                addTracked(cmd, wanted);
                for (CommandSpec sub : cmd.subcommands().values()) {
                    addTracked(sub, wanted);
                }
            }
        }
        c.reply().map(wanted.size());
        for (CommandSpec cmd : wanted) {
            Latency.Histogram h = cmd.latencyHistogram;
            c.reply().bulk(cmd.fullName());
            c.reply().map(2);
            c.reply().bulk("calls");
            c.reply().integer(h.total());
            c.reply().bulk("histogram_usec");
            List<long[]> buckets = h.cumulativeBuckets();
            c.reply().map(buckets.size());
            for (long[] b : buckets) {
                c.reply().integer(b[0]);
                c.reply().integer(b[1]);
            }
        }
    }

    private static void addTracked(CommandSpec cmd, List<CommandSpec> out) {
        if (cmd.latencyHistogram != null) {
            out.add(cmd);
        }
    }

    /** MONITOR: the client receives every command executed from now on. */
    private static void monitor(Client c, byte[][] argv) {
        if (c.denyBlocking()) {
            c.engine().error(c, "ERR MONITOR isn't allowed for DENY BLOCKING client");
            return;
        }
        if (c.roleFlags().indexOf('S') >= 0) {
            return;
        }
        c.engine().monitor().add(c);
        c.reply().ok();
    }
}
