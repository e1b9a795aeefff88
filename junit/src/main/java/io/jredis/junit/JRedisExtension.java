package io.jredis.junit;

import io.jredis.EmbeddedRedis;
import io.jredis.cluster.EmbeddedCluster;
import io.jredis.cluster.RespConnection;
import io.jredis.server.util.SplitArgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Embedded jredis servers and Sentinel clusters for JUnit Jupiter tests.
 *
 * <p>Field form, configured in code:
 * <pre>{@code
 * @RegisterExtension
 * static JRedisExtension redis = JRedisExtension.server().setting("maxmemory 10mb").flushBetweenTests();
 *
 * @RegisterExtension
 * static JRedisExtension cluster = JRedisExtension.cluster(b -> b.replicas(2).sentinels(3)).perTest();
 * }</pre>
 * Annotation form: {@link JRedisServer} or {@link JRedisCluster} on the test class.
 *
 * <p>Test methods, {@code @BeforeEach}/{@code @AfterEach} and (per-class lifecycle) {@code @BeforeAll} methods take
 * a {@link RedisEndpoint} (the server, or the cluster's current master), a {@link ClusterEndpoints}, an
 * {@link EmbeddedRedis} or an {@link EmbeddedCluster} parameter. A static field registration, or the annotation,
 * runs one server per class unless {@link #perTest()}; an instance field registration always runs one per test.
 *
 * <p>Parallel execution: every class (and with {@link Lifecycle#PER_TEST} every test) has its own servers on their
 * own ports, so classes and tests may run concurrently. Flushing a server shared by concurrently running tests would
 * wipe their data, so {@link #flushBetweenTests()} with a per-class server refuses concurrent methods: use a per-test
 * lifecycle there.
 */
public final class JRedisExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final String KEY = "jredis";

    private final boolean fromAnnotation;
    private boolean cluster;
    private final List<String> settings = new ArrayList<>();
    private Consumer<EmbeddedCluster.Builder> clusterSpec = b -> { };
    private Lifecycle lifecycle = Lifecycle.PER_CLASS;
    private boolean flush;
    private boolean configured;

    /** Used by {@link JRedisServer} and {@link JRedisCluster}, which configure it from the test class. */
    public JRedisExtension() {
        this.fromAnnotation = true;
    }

    private JRedisExtension(boolean cluster) {
        this.fromAnnotation = false;
        this.cluster = cluster;
    }

    /** A single embedded server (loopback, free port, no persistence). */
    public static JRedisExtension server() {
        return new JRedisExtension(false);
    }

    /** An embedded cluster with {@link EmbeddedCluster}'s defaults: 1 master, 2 replicas, 3 Sentinels, quorum 2. */
    public static JRedisExtension cluster() {
        return new JRedisExtension(true);
    }

    /** An embedded cluster configured by {@code spec}, e.g. {@code b -> b.replicas(1).sentinels(3).quorum(2)}. */
    public static JRedisExtension cluster(Consumer<EmbeddedCluster.Builder> spec) {
        JRedisExtension e = new JRedisExtension(true);
        e.clusterSpec = Objects.requireNonNull(spec);
        return e;
    }

    /** A redis.conf line for the server (every data node of a cluster), e.g. {@code "maxmemory 10mb"}. */
    public JRedisExtension setting(String line) {
        settings.add(Objects.requireNonNull(line));
        return this;
    }

    public JRedisExtension lifecycle(Lifecycle l) {
        this.lifecycle = Objects.requireNonNull(l);
        return this;
    }

    /** A fresh server or cluster for every test. */
    public JRedisExtension perTest() {
        return lifecycle(Lifecycle.PER_TEST);
    }

    /** FLUSHALL before each test (on a cluster: on the master, waiting for the replicas). */
    public JRedisExtension flushBetweenTests() {
        this.flush = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext ctx) {
        configureFromAnnotation(ctx);
        if (lifecycle == Lifecycle.PER_CLASS) {
            store(ctx).computeIfAbsent(KEY, k -> start(), Running.class);
        }
    }

    @Override
    public void beforeEach(ExtensionContext ctx) {
        configureFromAnnotation(ctx);
        Running shared = lifecycle == Lifecycle.PER_CLASS ? store(ctx).get(KEY, Running.class) : null;
        if (shared == null) {
            store(ctx).put(KEY, start());
            return;
        }
        if (flush) {
            if (ctx.getExecutionMode() == ExecutionMode.CONCURRENT) {
                throw new ExtensionConfigurationException("jredis: flushing a server shared by concurrently running "
                        + "tests would wipe their data; use a per-test lifecycle for concurrent tests");
            }
            shared.flush();
        }
    }

    @Override
    public void afterEach(ExtensionContext ctx) {
        closeLocal(ctx);
    }

    @Override
    public void afterAll(ExtensionContext ctx) {
        closeLocal(ctx);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext ctx) {
        Class<?> type = p.getParameter().getType();
        return type == RedisEndpoint.class || (cluster(ctx)
                ? type == ClusterEndpoints.class || type == EmbeddedCluster.class
                : type == EmbeddedRedis.class);
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext ctx) {
        Running r = store(ctx).get(KEY, Running.class);
        if (r == null) {
            throw new ParameterResolutionException("jredis: no server runs for " + ctx.getDisplayName()
                    + " (a per-test server is not available in @BeforeAll/@AfterAll methods)");
        }
        Class<?> type = p.getParameter().getType();
        if (type == RedisEndpoint.class) {
            return r.endpoint();
        }
        if (type == ClusterEndpoints.class) {
            return new ClusterEndpoints(r.cluster);
        }
        return type == EmbeddedCluster.class ? r.cluster : r.server;
    }

    private boolean cluster(ExtensionContext ctx) {
        configureFromAnnotation(ctx);
        return cluster;
    }

    /** Reads the annotation once; an annotation instance serves exactly one test class. */
    private synchronized void configureFromAnnotation(ExtensionContext ctx) {
        if (!fromAnnotation || configured) {
            return;
        }
        configured = true;
        Class<?> type = ctx.getRequiredTestClass();
        JRedisCluster c = findAnnotation(type, JRedisCluster.class);
        JRedisServer s = findAnnotation(type, JRedisServer.class);
        if (c != null && s != null) {
            throw new ExtensionConfigurationException("jredis: " + type.getName()
                    + " has both @JRedisServer and @JRedisCluster; register the second with @RegisterExtension");
        }
        if (c != null) {
            cluster = true;
            settings.addAll(List.of(c.settings()));
            lifecycle = c.lifecycle();
            flush = c.flush();
            clusterSpec = b -> {
                b.masterName(c.masterName()).replicas(c.replicas()).sentinels(c.sentinels())
                        .downAfter(Duration.ofMillis(c.downAfterMillis()))
                        .failoverTimeout(Duration.ofMillis(c.failoverTimeoutMillis()));
                if (c.quorum() > 0) {
                    b.quorum(c.quorum());
                }
            };
        } else if (s != null) {
            settings.addAll(List.of(s.settings()));
            lifecycle = s.lifecycle();
            flush = s.flush();
        }
    }

    private static <A extends java.lang.annotation.Annotation> A findAnnotation(Class<?> type, Class<A> a) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            A found = c.getAnnotation(a);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private Running start() {
        if (cluster) {
            EmbeddedCluster.Builder b = EmbeddedCluster.builder();
            clusterSpec.accept(b);
            settings.forEach(b::setting);
            return new Running(null, b.build().start());
        }
        EmbeddedRedis.Builder b = EmbeddedRedis.builder();
        for (String line : settings) {
            List<byte[]> words = SplitArgs.split(line.getBytes(StandardCharsets.UTF_8));
            if (words == null || words.isEmpty()) {
                throw new ExtensionConfigurationException("jredis: bad setting '" + line + "'");
            }
            String[] values = new String[words.size() - 1];
            for (int i = 1; i < words.size(); i++) {
                values[i - 1] = new String(words.get(i), StandardCharsets.UTF_8);
            }
            b.setting(new String(words.get(0), StandardCharsets.UTF_8), values);
        }
        return new Running(b.build().start(), null);
    }

    /** Closes the server this context level started (the test's for per-test, the class's after all). */
    private void closeLocal(ExtensionContext ctx) {
        ExtensionContext.Store store = store(ctx);
        Running mine = store.get(KEY, Running.class);
        Running parent = ctx.getParent().map(p -> store(p).get(KEY, Running.class)).orElse(null);
        if (mine != null && mine != parent) {
            store.remove(KEY);
            mine.close();
        }
    }

    private ExtensionContext.Store store(ExtensionContext ctx) {
        return ctx.getStore(ExtensionContext.Namespace.create(JRedisExtension.class, this));
    }

    /** A started server or cluster. */
    private record Running(EmbeddedRedis server, EmbeddedCluster cluster) implements AutoCloseable {
        RedisEndpoint endpoint() {
            if (server != null) {
                return new RedisEndpoint(server.host(), server.port());
            }
            EmbeddedCluster.Node m = cluster.master();
            return new RedisEndpoint(m.host(), m.port());
        }

        void flush() {
            try {
                if (server != null) {
                    RespConnection.once(server.host(), server.port(), 5000, "FLUSHALL");
                    return;
                }
                EmbeddedCluster.Node m = cluster.master();
                try (RespConnection c = new RespConnection(m.host(), m.port(), 10_000)) {
                    c.call("FLUSHALL");
                    c.call("WAIT", Integer.toString(cluster.replicas().size()), "5000");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("jredis: FLUSHALL before the test failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            } else {
                cluster.close();
            }
        }
    }
}
