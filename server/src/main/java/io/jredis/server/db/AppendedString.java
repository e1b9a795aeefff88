package io.jredis.server.db;

import java.util.Arrays;

/**
 * A string APPEND grew, with room past its length as Redis's sds keeps after {@code sdsMakeRoomFor}: a run of
 * APPENDs to one key copies the string a logarithmic number of times instead of once per call (a 2 MB string built
 * 100 bytes at a time served 7,800 APPENDs a second against redis-server's 175,000).
 *
 * <p>Only APPEND, GET and STRLEN see this form ({@link Dict.Entry#stored}). Every other reader gets the exact
 * {@code byte[]} through {@link Dict.Entry#value()}, which trims it once and stores the trimmed raw array in its place,
 * so the rest of the server keeps one representation of a string. Bytes below {@link #length} never change: an
 * append writes past them, so a reply or snapshot holding the array still reads what it was given.
 */
public final class AppendedString {
    /**
     * Redis's SDS_MAX_PREALLOC: room doubles up to this length, then grows by at least this much. Redis adds just
     * this much, since its allocator grows a huge allocation by remapping pages; here growing copies, so past it the
     * room is also half the string, which keeps appending linear (a fixed step copied a 130 MB string every 10,000
     * APPENDs of 100 bytes: two fifths of the engine's time).
     */
    private static final int MAX_PREALLOC = 1024 * 1024;

    private byte[] bytes;
    private int length;

    /** {@code s} followed by {@code tail}, with room for more. */
    public AppendedString(byte[] s, byte[] tail) {
        bytes = Arrays.copyOf(s, room(s.length + tail.length));
        length = s.length;
        append(tail);
    }

    /** Appends {@code tail}, growing the room when it is short. */
    public void append(byte[] tail) {
        int need = length + tail.length;
        if (need > bytes.length) {
            bytes = Arrays.copyOf(bytes, room(need));
        }
        System.arraycopy(tail, 0, bytes, length, tail.length);
        length = need;
    }

    private static int room(int need) {
        long room = need < MAX_PREALLOC ? 2L * need : (long) need + Math.max(MAX_PREALLOC, need / 2);
        return (int) Math.min(room, Integer.MAX_VALUE - 8);
    }

    /** The array holding the string in its first {@link #length} bytes. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /** Bytes the array occupies, room included (Redis's used_memory counts an sds's allocation). */
    public int capacity() {
        return bytes.length;
    }

    /** The string as an exact array, raw (see {@link Values#isRaw}) as Redis keeps an appended string. */
    byte[] trimmed() {
        return Values.raw(length == bytes.length ? bytes : Arrays.copyOf(bytes, length));
    }
}
