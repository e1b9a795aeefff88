package io.jredis.persistence.rdb;

import io.jredis.server.config.ServerConfig;
import io.jredis.server.db.ZSetValue;

/**
 * The encoding thresholds that decide how values are laid out when saved (list node size) and which encoding a
 * loaded value gets (listpack or hashtable/skiplist, intset or hashtable), read from the configuration.
 */
public record EncodingConfig(long listMaxListpackSize, long hashMaxListpackEntries, long hashMaxListpackValue,
        long setMaxIntsetEntries, long zsetMaxListpackEntries, long zsetMaxListpackValue) {

    /** Redis 7.0's defaults. */
    public static final EncodingConfig DEFAULTS = new EncodingConfig(-2, 512, 64, 512, 128, 64);

    public static EncodingConfig of(ServerConfig c) {
        return new EncodingConfig(c.listMaxListpackSize.value(), c.hashMaxListpackEntries.value(),
                c.hashMaxListpackValue.value(), c.setMaxIntsetEntries.value(), c.zsetMaxListpackEntries.value(),
                c.zsetMaxListpackValue.value());
    }

    public ZSetValue.Limits zsetLimits() {
        return new ZSetValue.Limits(zsetMaxListpackEntries, zsetMaxListpackValue);
    }
}
