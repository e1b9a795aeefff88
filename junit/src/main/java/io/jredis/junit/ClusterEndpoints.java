package io.jredis.junit;

import io.jredis.cluster.EmbeddedCluster;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Connection details of an embedded Sentinel cluster, injected by {@link JRedisExtension}: the Sentinels and the
 * master name (what an application's Sentinel-aware client is configured with), and the current master and
 * replicas. {@link #cluster()} gives the cluster itself for fault injection (kill, pause, cut, restart).
 */
public final class ClusterEndpoints {
    private final EmbeddedCluster cluster;

    ClusterEndpoints(EmbeddedCluster cluster) {
        this.cluster = cluster;
    }

    /** The name the Sentinels monitor the master under. */
    public String masterName() {
        return cluster.masterName();
    }

    /** The Sentinels. */
    public List<RedisEndpoint> sentinels() {
        return cluster.sentinels().stream().map(n -> new RedisEndpoint(n.host(), n.port())).toList();
    }

    /** The Sentinels as {@code host:port} strings, the form {@code JedisSentinelPool} takes. */
    public Set<String> sentinelHostAndPorts() {
        return sentinels().stream().map(RedisEndpoint::hostAndPort)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /**
     * {@code redis-sentinel://host:port,host:port#masterName}, the URI form Lettuce's {@code RedisURI.create} takes
     * for a Sentinel-managed master.
     */
    public String sentinelUri() {
        return "redis-sentinel://" + String.join(",", sentinelHostAndPorts()) + "#" + masterName();
    }

    /** The current master (after {@link EmbeddedCluster#awaitFailover}, the promoted one). */
    public RedisEndpoint master() {
        EmbeddedCluster.Node m = cluster.master();
        return new RedisEndpoint(m.host(), m.port());
    }

    /** The data nodes other than the current master. */
    public List<RedisEndpoint> replicas() {
        return cluster.replicas().stream().map(n -> new RedisEndpoint(n.host(), n.port())).toList();
    }

    /** The cluster, for fault injection. */
    public EmbeddedCluster cluster() {
        return cluster;
    }

    @Override
    public String toString() {
        return sentinelUri();
    }
}
