package io.jredis.server;

/**
 * Where Redis 7.0 would hold the replies a client has not been sent yet, for CLIENT LIST's obl, oll and omem, the
 * output buffer limits and INFO client_recent_max_output_buffer, which all count Redis's allocations rather than
 * bytes: the static reply buffer (its size is the client's rbs) takes replies only while the reply list is empty;
 * the rest goes to the list's tail block, then to new blocks of 16 KB or, for the rest of one reply piece (a bulk
 * value) that is longer, of that length, each block taking all of its jemalloc size class. A block is freed once
 * fully written and counts whole until then. Bytes are appended in the order the client is sent them and written
 * from the front; only bytes not written yet are held, so an idle client's layout is empty.
 */
final class ReplyLayout {
    /** PROTO_REPLY_CHUNK_BYTES: the least a list block holds. */
    static final int CHUNK_BYTES = io.jredis.server.protocol.Reply.PIECE_BYTES;
    /** sizeof(clientReplyBlock): a block's header, in its allocation. */
    private static final int BLOCK_HEADER = 16;
    /** What getClientOutputBufferMemoryUsage adds per block: sizeof(listNode) and sizeof(clientReplyBlock). */
    private static final int BLOCK_OVERHEAD = 24 + BLOCK_HEADER;
    /** The room of a 16 KB block: its 16400-byte allocation gets the 20480-byte size class. */
    private static final int CHUNK_ROOM = Client.jemallocSize(CHUNK_BYTES + BLOCK_HEADER) - BLOCK_HEADER;
    private static final int INITIAL_BLOCKS = 8;

    /** Redis's bufpos and sentlen for the static buffer. */
    private int bufUsed;
    private int bufSent;
    /** The list's blocks from {@link #head}, circular: their room (size) and the bytes they hold (used). */
    private int[] room = new int[INITIAL_BLOCKS];
    private int[] used = new int[INITIAL_BLOCKS];
    private int head;
    private int blocks;
    /** Bytes of the first block already written (Redis's sentlen once the static buffer is sent). */
    private int headSent;
    /** Redis's reply_bytes: the rooms of all blocks. */
    private long replyBytes;
    private long appended;
    private long written;

    /** True while some appended bytes are not written yet. */
    boolean active() {
        return appended != written;
    }

    /** Bytes appended since the layout was last empty. */
    long appended() {
        return appended;
    }

    /** CLIENT LIST obl: Redis's bufpos. */
    int staticBytes() {
        return bufUsed;
    }

    /** CLIENT LIST oll: the list's blocks. */
    int blocks() {
        return blocks;
    }

    /** CLIENT LIST omem, what the output buffer limits weigh: Redis's getClientOutputBufferMemoryUsage. */
    long memory() {
        return replyBytes + (long) BLOCK_OVERHEAD * blocks;
    }

    /**
     * Appends {@code n} bytes of replies; {@code piece} when they are one reply piece Redis copies at once (a bulk
     * value), so that what the tail block cannot take gets a block of its own length. {@code staticRoom} is the
     * client's reply buffer size.
     */
    void append(long n, int staticRoom, boolean piece) {
        appended += n;
        if (blocks == 0) {
            int take = (int) Math.min(n, Math.max(0, staticRoom - bufUsed));
            bufUsed += take;
            n -= take;
        }
        if (n > 0 && blocks > 0) {
            int tail = slot(blocks - 1);
            int take = (int) Math.min(n, room[tail] - used[tail]);
            used[tail] += take;
            n -= take;
        }
        if (piece && n > CHUNK_BYTES) {
            add(Client.jemallocSize((int) n + BLOCK_HEADER) - BLOCK_HEADER, (int) n);
            return;
        }
        while (n > 0) {
            int take = (int) Math.min(n, CHUNK_ROOM);
            add(CHUNK_ROOM, take);
            n -= take;
        }
    }

    /**
     * Marks the appended bytes up to {@code total} (counted as {@link #appended}) as written: the static buffer
     * first, then the blocks, freeing those written whole. Empty again once all is written.
     */
    void writtenUpTo(long total) {
        long n = Math.min(total, appended) - written;
        if (n <= 0) {
            return;
        }
        written += n;
        if (bufUsed > 0) {
            long left = bufUsed - bufSent;
            if (n < left) {
                bufSent += (int) n;
                return;
            }
            n -= left;
            bufUsed = 0;
            bufSent = 0;
        }
        while (n > 0 && blocks > 0) {
            long left = used[head] - headSent;
            if (n < left) {
                headSent += (int) n;
                break;
            }
            n -= left;
            replyBytes -= room[head];
            head = slot(1);
            blocks--;
            headSent = 0;
        }
        if (!active()) {
            clear();
        }
    }

    /** Forgets everything: the client's output is all written, or it is gone. */
    void clear() {
        bufUsed = 0;
        bufSent = 0;
        head = 0;
        blocks = 0;
        headSent = 0;
        replyBytes = 0;
        appended = 0;
        written = 0;
        if (room.length > INITIAL_BLOCKS) {
            room = new int[INITIAL_BLOCKS];
            used = new int[INITIAL_BLOCKS];
        }
    }

    private void add(int size, int bytes) {
        if (blocks == room.length) {
            int[] r = new int[blocks * 2];
            int[] u = new int[blocks * 2];
            for (int i = 0; i < blocks; i++) {
                r[i] = room[slot(i)];
                u[i] = used[slot(i)];
            }
            room = r;
            used = u;
            head = 0;
        }
        int tail = slot(blocks);
        room[tail] = size;
        used[tail] = bytes;
        blocks++;
        replyBytes += size;
    }

    private int slot(int i) {
        return (head + i) % room.length;
    }
}
