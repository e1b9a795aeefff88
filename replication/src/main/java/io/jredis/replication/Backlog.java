package io.jredis.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The replication backlog: the last {@code size} bytes of the replication stream, so a replica that lost its link
 * can continue from its offset (PSYNC +CONTINUE) instead of resynchronizing fully. Offsets are Redis's: the first
 * byte of the stream ever produced has offset 1, {@code masterOffset} is the offset of the last byte produced.
 */
final class Backlog {
    private byte[] ring;
    private int idx;
    private long histlen;
    private long masterOffset;

    Backlog(int size, long masterOffset) {
        this.ring = new byte[size];
        this.masterOffset = masterOffset;
    }

    /** Appends stream bytes. */
    void feed(ByteBuf data) {
        int n = data.readableBytes();
        int from = data.readerIndex();
        masterOffset += n;
        while (n > 0) {
            int chunk = Math.min(n, ring.length - idx);
            data.getBytes(from, ring, idx, chunk);
            idx = (idx + chunk) % ring.length;
            from += chunk;
            n -= chunk;
            histlen = Math.min(ring.length, histlen + chunk);
        }
    }

    long masterOffset() {
        return masterOffset;
    }

    /** The offset of the oldest byte held (INFO repl_backlog_first_byte_offset). */
    long firstByteOffset() {
        return masterOffset - histlen + 1;
    }

    long histlen() {
        return histlen;
    }

    /** True when the bytes from {@code offset} (the first one a replica lacks) to the end are held. */
    boolean covers(long offset) {
        return offset >= firstByteOffset() && offset <= masterOffset + 1;
    }

    /** The bytes from {@code offset} to the end; call only when {@link #covers} holds. */
    ByteBuf from(long offset) {
        int n = (int) (masterOffset + 1 - offset);
        ByteBuf out = Unpooled.buffer(n);
        int start = Math.floorMod(idx - n, ring.length);
        int first = Math.min(n, ring.length - start);
        out.writeBytes(ring, start, first);
        out.writeBytes(ring, 0, n - first);
        return out;
    }

    /** Changes the size keeping the newest bytes (CONFIG SET repl-backlog-size). */
    void resize(int size) {
        if (size == ring.length) {
            return;
        }
        int keep = (int) Math.min(histlen, size);
        ByteBuf tail = from(masterOffset + 1 - keep);
        ring = new byte[size];
        idx = 0;
        histlen = 0;
        masterOffset -= keep;
        feed(tail);
    }
}
