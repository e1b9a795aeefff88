package io.jredis.junit;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a test connects: one server's host and port. Injected into test and lifecycle methods by
 * {@link JRedisExtension}; for a cluster it is the master when the method is called.
 */
public final class RedisEndpoint {
    private final String host;
    private final int port;

    /** An endpoint for {@code host:port}. */
    public RedisEndpoint(String host, int port) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code redis://host:port}, the form Lettuce's {@code RedisURI.create} and Jedis's {@code URI} take. */
    public String uri() {
        return "redis://" + hostAndPort();
    }

    /** {@code host:port}, the form Jedis's {@code HostAndPort.from} and Sentinel sets take. */
    public String hostAndPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisEndpoint e && e.host.equals(host) && e.port == port;
    }

    @Override
    public int hashCode() {
        return host.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
        return hostAndPort();
    }
}
