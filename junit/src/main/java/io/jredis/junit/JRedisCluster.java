package io.jredis.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs an embedded Sentinel cluster (see {@link io.jredis.cluster.EmbeddedCluster}) for the annotated test class;
 * test and lifecycle methods receive its {@link ClusterEndpoints}, the master's {@link RedisEndpoint}, or the
 * {@link io.jredis.cluster.EmbeddedCluster} as parameters.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(JRedisExtension.class)
public @interface JRedisCluster {
    String masterName() default "mymaster";

    int replicas() default 2;

    int sentinels() default 3;

    /** 0: a majority of the Sentinels. */
    int quorum() default 0;

    long downAfterMillis() default 1000;

    long failoverTimeoutMillis() default 5_000;

    /** redis.conf lines for every data node. */
    String[] settings() default {};

    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** FLUSHALL on the master (waiting for the replicas) before each test. */
    boolean flush() default false;
}
