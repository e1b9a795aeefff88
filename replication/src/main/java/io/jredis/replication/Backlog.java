package io.jredis.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;

/**
 * The replication backlog: the last {@code size} bytes of the replication stream, so a replica that lost its link
 * can continue from its offset (PSYNC +CONTINUE) instead of resynchronizing fully. Offsets are Redis's: the first
 * byte of the stream ever produced has offset 1, {@code masterOffset} is the offset of the last byte produced.
 *
 * <p>As Redis 7.0's replication buffer, which the backlog shares with the replicas, it keeps more than {@code size}
 * bytes while a replica waiting for its full sync payload still needs them ({@link #keepFrom}): that replica gets
 * its stream from here once the payload is sent, and others can continue from those older offsets meanwhile.
 */
final class Backlog {
    private static final int BLOCK = 16 * 1024;

    /** The bytes in blocks of {@link #BLOCK}: the first starts {@link #headSkip} in, the last is filled to tailUsed. */
    private final ArrayDeque<byte[]> blocks = new ArrayDeque<>();
    private int headSkip;
    private int tailUsed = BLOCK;
    /** A dropped block kept for the next one needed, so a steady stream allocates nothing. */
    private byte[] spare;
    private long size;
    private long histlen;
    private long masterOffset;
    /** The oldest offset that must stay held whatever {@code size} says; Long.MAX_VALUE for none. */
    private long keepFrom = Long.MAX_VALUE;

    Backlog(long size, long masterOffset) {
        this.size = size;
        this.masterOffset = masterOffset;
    }

    /** Appends stream bytes (not consumed). */
    void feed(ByteBuf data) {
        int n = data.readableBytes();
        int from = data.readerIndex();
        masterOffset += n;
        histlen += n;
        while (n > 0) {
            if (tailUsed == BLOCK) {
                blocks.addLast(spare != null ? spare : new byte[BLOCK]);
                spare = null;
                tailUsed = 0;
            }
            int chunk = Math.min(n, BLOCK - tailUsed);
            data.getBytes(from, blocks.peekLast(), tailUsed, chunk);
            tailUsed += chunk;
            from += chunk;
            n -= chunk;
        }
        trim();
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
        long skip = headSkip + (histlen - n);
        for (byte[] b : blocks) {
            if (n == 0) {
                break;
            }
            if (skip >= BLOCK) {
                skip -= BLOCK;
                continue;
            }
            int len = (int) Math.min(n, (b == blocks.peekLast() ? tailUsed : BLOCK) - skip);
            out.writeBytes(b, (int) skip, len);
            skip = 0;
            n -= len;
        }
        return out;
    }

    /** Changes the size (CONFIG SET repl-backlog-size); a smaller one drops the oldest bytes beyond it. */
    void resize(long size) {
        this.size = size;
        trim();
    }

    /**
     * Holds the bytes from {@code offset} on even beyond the size, until called again (Long.MAX_VALUE: none); what
     * was kept only for older offsets goes at once.
     */
    void keepFrom(long offset) {
        keepFrom = offset;
        trim();
    }

    /** Drops the oldest bytes beyond the size that no waiting replica needs. */
    private void trim() {
        long keep = Math.max(size, keepFrom == Long.MAX_VALUE ? 0 : masterOffset + 1 - keepFrom);
        long drop = histlen - keep;
        while (drop > 0) {
            int avail = (blocks.size() == 1 ? tailUsed : BLOCK) - headSkip;
            if (drop >= avail && blocks.size() > 1) {
                spare = blocks.pollFirst();
                headSkip = 0;
                histlen -= avail;
                drop -= avail;
            } else {
                int d = (int) Math.min(drop, avail);
                headSkip += d;
                histlen -= d;
                drop -= d;
            }
        }
    }
}
