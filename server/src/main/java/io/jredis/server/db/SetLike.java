package io.jredis.server.db;

import java.util.function.Consumer;

/** A plain set's members, as the sorted-set algebra (ZUNION and friends) reads them with score 1. */
public interface SetLike {
    void forEachMember(Consumer<byte[]> visitor);
}
