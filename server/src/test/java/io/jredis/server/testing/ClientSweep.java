package io.jredis.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * A differential sweep through a Java client library: the same labelled calls run through a client connected to
 * redis-server and one connected to jredis, and every outcome (the client's parsed result, or its exception's class
 * and message) is rendered to text and compared. What the client returns is what an application sees, so this catches
 * reply shapes a raw-protocol comparison would call equal but the client parses differently.
 *
 * @param <C> the client type the calls take
 */
public final class ClientSweep<C> {
    /** One labelled call. */
    public record Step<C>(String label, Function<C, Object> call) {
    }

    private final List<Step<C>> steps = new ArrayList<>();
    private final List<String> masks = new ArrayList<>();

    public ClientSweep<C> add(String label, Function<C, Object> call) {
        steps.add(new Step<>(label, call));
        return this;
    }

    /**
     * Replaces whatever matches {@code regex} in every outcome with {@code #}: for values that differ between any two
     * runs (ids, times, ports), so the sweep still compares the shape around them.
     */
    public ClientSweep<C> mask(String regex) {
        masks.add(regex);
        return this;
    }

    /** Runs every step through {@code client}, in order, and returns one line per step. */
    public List<String> run(C client) {
        List<String> out = new ArrayList<>();
        for (Step<C> s : steps) {
            String o = outcome(() -> s.call().apply(client));
            for (String m : masks) {
                o = o.replaceAll(m, "#");
            }
            out.add(s.label() + " -> " + o);
        }
        return out;
    }

    /** Fails listing every step whose outcome differs between the two sides. */
    public static void assertSame(List<String> redis, List<String> jredis) {
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < Math.max(redis.size(), jredis.size()); i++) {
            String r = i < redis.size() ? redis.get(i) : "<missing>";
            String j = i < jredis.size() ? jredis.get(i) : "<missing>";
            if (!r.equals(j)) {
                diffs.add("redis:  " + r + "\njredis: " + j);
            }
        }
        assertTrue(diffs.isEmpty(), () -> diffs.size() + " difference(s):\n" + String.join("\n", diffs));
    }

    /** A call that may throw, for {@link #outcome}. */
    public interface Call {
        Object get() throws Exception;
    }

    /** The rendered result of {@code call}, or its exception as {@code !Class: message}. */
    public static String outcome(Call call) {
        try {
            return render(call.get());
        } catch (Exception | AssertionError e) {
            Throwable t = e;
            while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
                t = t.getCause();
            }
            StringBuilder sb = new StringBuilder("!" + t.getClass().getSimpleName() + ": " + t.getMessage());
            // Connection set-up failures wrap the server's error: the cause is what the server said.
            for (Throwable c = t.getCause(); c != null && c != t; t = c, c = c.getCause()) {
                sb.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
            }
            return sb.toString();
        }
    }

    /** Text for a client result: collections element by element, sets and maps sorted, library objects by field. */
    public static String render(Object o) {
        if (o == null) {
            return "null";
        }
        if (o instanceof byte[] b) {
            return "b'" + new String(b, StandardCharsets.ISO_8859_1) + "'";
        }
        if (o instanceof java.nio.ByteBuffer bb) {
            byte[] b = new byte[bb.remaining()];
            bb.duplicate().get(b);
            return render(b);
        }
        if (o instanceof CharSequence || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>
                || o instanceof Character) {
            return o.getClass().getSimpleName() + ":" + o;
        }
        if (o instanceof Set<?> s) {
            List<String> items = new ArrayList<>();
            s.forEach(x -> items.add(render(x)));
            items.sort(null);
            return "{" + String.join(", ", items) + "}";
        }
        if (o instanceof Collection<?> c) {
            List<String> items = new ArrayList<>();
            c.forEach(x -> items.add(render(x)));
            return "[" + String.join(", ", items) + "]";
        }
        if (o.getClass().isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) {
                items.add(render(java.lang.reflect.Array.get(o, i)));
            }
            return "[" + String.join(", ", items) + "]";
        }
        if (o instanceof Map<?, ?> m) {
            List<String> items = new ArrayList<>();
            m.forEach((k, v) -> items.add(render(k) + "=" + render(v)));
            items.sort(null);
            return "{" + String.join(", ", items) + "}";
        }
        if (o instanceof Map.Entry<?, ?> e) {
            return render(e.getKey()) + "=" + render(e.getValue());
        }
        return fields(o);
    }

    private static String fields(Object o) {
        List<String> items = new ArrayList<>();
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    items.add(f.getName() + "=" + render(f.get(o)));
                } catch (RuntimeException | IllegalAccessException e) {
                    items.add(f.getName() + "=?");
                }
            }
        }
        return o.getClass().getSimpleName() + "(" + String.join(", ", items) + ")";
    }
}
