package io.jredis.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs an embedded jredis server for the annotated test class; test and lifecycle methods receive its
 * {@link RedisEndpoint} (or the {@link io.jredis.EmbeddedRedis}) as a parameter.
 *
 * <pre>{@code
 * @JRedisServer(settings = "maxmemory 10mb")
 * class CacheTest {
 *     @Test
 *     void caches(RedisEndpoint redis) { ... new Jedis(redis.host(), redis.port()) ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(JRedisExtension.class)
public @interface JRedisServer {
    /** redis.conf lines, e.g. {@code "maxmemory 10mb"}. */
    String[] settings() default {};

    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** FLUSHALL before each test, so tests sharing a server start empty. */
    boolean flush() default false;
}
