package io.jredis.server.db;

import java.util.Arrays;

/**
 * A list: a growable ring buffer of elements, O(1) at both ends and by index. Redis 7.0 reports every list as
 * "quicklist", whatever its size.
 */
public final class ListValue implements RedisObject {
    private byte[][] items;
    private int head;
    private int size;
    /**
     * What the elements occupy ({@link MemoryEstimate#bytes} of each), kept as they come and go: a list is estimated
     * after every write to it, and sampling a long list's elements was a cache miss per sample on every LPUSH.
     */
    private long elementsMemory;

    public ListValue() {
        items = new byte[4][];
    }

    private ListValue(byte[][] items, int size) {
        this.items = items;
        this.size = size;
        for (int i = 0; i < size; i++) {
            elementsMemory += MemoryEstimate.bytes(items[i].length);
        }
    }

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public RedisObject copy() {
        byte[][] copy = new byte[Math.max(4, size)][];
        for (int i = 0; i < size; i++) {
            copy[i] = get(i);
        }
        return new ListValue(copy, size);
    }

    public int size() {
        return size;
    }

    /** Bytes the elements occupy, without the list's own structure. */
    long elementsMemory() {
        return elementsMemory;
    }

    private int slot(int index) {
        int i = head + index;
        return i >= items.length ? i - items.length : i;
    }

    public byte[] get(int index) {
        return items[slot(index)];
    }

    public void set(int index, byte[] v) {
        int s = slot(index);
        elementsMemory += MemoryEstimate.bytes(v.length) - MemoryEstimate.bytes(items[s].length);
        items[s] = v;
    }

    private void grow() {
        byte[][] bigger = new byte[items.length * 2][];
        for (int i = 0; i < size; i++) {
            bigger[i] = get(i);
        }
        items = bigger;
        head = 0;
    }

    public void pushHead(byte[] v) {
        if (size == items.length) {
            grow();
        }
        head = head == 0 ? items.length - 1 : head - 1;
        items[head] = v;
        size++;
        elementsMemory += MemoryEstimate.bytes(v.length);
    }

    public void pushTail(byte[] v) {
        if (size == items.length) {
            grow();
        }
        items[slot(size)] = v;
        size++;
        elementsMemory += MemoryEstimate.bytes(v.length);
    }

    public byte[] popHead() {
        byte[] v = items[head];
        items[head] = null;
        head = head + 1 == items.length ? 0 : head + 1;
        size--;
        elementsMemory -= MemoryEstimate.bytes(v.length);
        shrinkIfSparse();
        return v;
    }

    public byte[] popTail() {
        int s = slot(size - 1);
        byte[] v = items[s];
        items[s] = null;
        size--;
        elementsMemory -= MemoryEstimate.bytes(v.length);
        shrinkIfSparse();
        return v;
    }

    /** Inserts before position {@code index} (0..size), shifting the shorter side. */
    public void insert(int index, byte[] v) {
        if (index == 0) {
            pushHead(v);
            return;
        }
        if (index == size) {
            pushTail(v);
            return;
        }
        if (size == items.length) {
            grow();
        }
        if (index < size / 2) {
            head = head == 0 ? items.length - 1 : head - 1;
            for (int i = 0; i < index; i++) {
                items[slot(i)] = items[slot(i + 1)];
            }
        } else {
            for (int i = size; i > index; i--) {
                items[slot(i)] = items[slot(i - 1)];
            }
        }
        items[slot(index)] = v;
        size++;
        elementsMemory += MemoryEstimate.bytes(v.length);
    }

    /** Removes the element at {@code index}. */
    public void remove(int index) {
        elementsMemory -= MemoryEstimate.bytes(get(index).length);
        if (index < size / 2) {
            for (int i = index; i > 0; i--) {
                items[slot(i)] = items[slot(i - 1)];
            }
            items[head] = null;
            head = head + 1 == items.length ? 0 : head + 1;
        } else {
            for (int i = index; i < size - 1; i++) {
                items[slot(i)] = items[slot(i + 1)];
            }
            items[slot(size - 1)] = null;
        }
        size--;
        shrinkIfSparse();
    }

    /** Keeps only {@code [start, end]} (valid, inclusive indexes; start > end empties the list). */
    public void trim(int start, int end) {
        int n = start > end ? 0 : end - start + 1;
        byte[][] kept = new byte[Math.max(4, Integer.highestOneBit(Math.max(n, 1)) << 1)][];
        long memory = 0;
        for (int i = 0; i < n; i++) {
            kept[i] = get(start + i);
            memory += MemoryEstimate.bytes(kept[i].length);
        }
        items = kept;
        head = 0;
        size = n;
        elementsMemory = memory;
    }

    private void shrinkIfSparse() {
        if (items.length > 64 && size < items.length / 4) {
            byte[][] smaller = new byte[items.length / 2][];
            for (int i = 0; i < size; i++) {
                smaller[i] = get(i);
            }
            items = smaller;
            head = 0;
        }
    }

    /** Elements in order, for serialization and tests. */
    public byte[][] toArray() {
        byte[][] out = new byte[size][];
        for (int i = 0; i < size; i++) {
            out[i] = get(i);
        }
        return out;
    }

    @Override
    public String toString() {
        return Arrays.deepToString(toArray());
    }
}
