package io.jredis.server.config;

import io.jredis.server.util.Bytes;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/** {@code latency-tracking-info-percentiles <p> [...]}: the percentiles INFO latencystats reports. */
public final class LatencyPercentilesDirective extends Directive {
    private double[] values = {50.0, 99.0, 99.9};

    public LatencyPercentilesDirective(int flags) {
        super("latency-tracking-info-percentiles", flags | MULTI_ARG);
    }

    public double[] values() {
        return values.clone();
    }

    /** Redis parses the percentiles with {@code string2d} over their full length: a NUL byte makes one invalid. */
    @Override
    boolean cStringArgs() {
        return false;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        int n = args.length == 1 && args[0].isEmpty() ? 0 : args.length;
        double[] next = new double[n];
        double[] out = new double[1];
        for (int j = 0; j < n; j++) {
            if (!Bytes.parseDouble(args[j].getBytes(StandardCharsets.ISO_8859_1), out)) {
                throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (out[0] > 100.0 || out[0] < 0.0) {
                throw new ConfigException("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            next[j] = out[0];
        }
        values = next;
        return true;
    }

    /** C's {@code %f} with trailing zeros (and a trailing point) removed, as Redis prints percentiles. */
    static String format(double d) {
        String s = new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        if (d == 0 && 1 / d < 0) {
            s = "-" + s;
        }
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }

    @Override
    public String get() {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(format(v));
        }
        return sb.toString();
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        rw.line(name(), name() + " " + (values.length == 0 ? "\"\"" : get()), true);
    }
}
