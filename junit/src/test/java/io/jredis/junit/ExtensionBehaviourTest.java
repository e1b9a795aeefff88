package io.jredis.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import redis.clients.jedis.Jedis;

/** Runs small test classes through the JUnit launcher to check what the extension does around them. */
class ExtensionBehaviourTest {

    /** Runs {@code type} with parallel execution enabled; returns its failure messages, or the tests that passed. */
    static List<String> run(Class<?> type) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(type))
                .configurationParameters(Map.of("junit.jupiter.execution.parallel.enabled", "true"))
                .build();
        List<String> failures = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    if (id.isTest()) {
                        passed.add(id.getDisplayName());
                    }
                } else {
                    failures.add(result.getThrowable().map(Throwable::getMessage).orElse("?"));
                }
            }
        });
        if (failures.isEmpty()) {
            passed.sort(null);
            failures.add("passed: " + passed);
        }
        return failures;
    }

    @Test
    void flushingASharedServerUnderConcurrentTestsIsRefused() {
        List<String> failures = run(ConcurrentFlush.class);
        assertEquals(2, failures.size(), failures.toString());
        for (String f : failures) {
            assertEquals("jredis: flushing a server shared by concurrently running tests would wipe their data; use "
                    + "a per-test lifecycle for concurrent tests", f);
        }
    }

    @Test
    void serverAndClusterAnnotationsTogetherAreRefused() {
        List<String> failures = run(Both.class);
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).endsWith("has both @JRedisServer and @JRedisCluster; register the second with "
                + "@RegisterExtension"), failures.get(0));
    }

    @Test
    void instanceFieldRegistrationRunsAServerPerTest() {
        assertEquals(List.of("passed: [first(RedisEndpoint), second(RedisEndpoint)]"), run(InstanceField.class));
        assertEquals(2, InstanceField.ports.size());
        assertTrue(!InstanceField.ports.get(0).equals(InstanceField.ports.get(1)), InstanceField.ports.toString());
    }

    @JRedisServer(flush = true)
    @Execution(ExecutionMode.CONCURRENT)
    static class ConcurrentFlush {
        @Test
        void one(RedisEndpoint e) {
            assertTrue(e.port() > 0);
        }

        @Test
        void two(RedisEndpoint e) {
            assertTrue(e.port() > 0);
        }
    }

    @JRedisServer
    @JRedisCluster
    static class Both {
        @Test
        void never() {
            assertTrue(true);
        }
    }

    static class InstanceField {
        static final List<Integer> ports = new java.util.concurrent.CopyOnWriteArrayList<>();

        @org.junit.jupiter.api.extension.RegisterExtension
        JRedisExtension redis = JRedisExtension.server();

        @Test
        void first(RedisEndpoint e) {
            record(e);
        }

        @Test
        void second(RedisEndpoint e) {
            record(e);
        }

        private static void record(RedisEndpoint e) {
            try (Jedis jedis = new Jedis(e.host(), e.port())) {
                assertEquals(0, jedis.dbSize());
                jedis.set("k", "v");
            }
            ports.add(e.port());
        }
    }
}
