package io.jredis.server.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A table laid out as Lua 5.1's ltable.c lays it out: an array part sized exactly by constructors and by rehash's
 * computesizes, and a node part of 2^k nodes with main positions, collision chains and a falling free pointer. Scripts
 * see the layout through the length operator (luaH_getn's binary search bounded by the array size, so
 * {@code #{1, nil, 3}} is 3) and through {@code next}'s order (so {@code pairs} and {@code cjson.encode} list keys as
 * Redis does); LuaJ's own table sizes both parts otherwise. LuaJ's storage in the superclass stays empty, except for
 * a table given a metatable with {@code __mode}: its entries move there for good, where LuaJ keeps them weakly.
 */
final class Lua51Table extends LuaTable {
    /** Lua 5.1's MAXBITS on a 32-bit int: the largest array part is 2^30. */
    private static final int MAXBITS = 30;
    private static final LuaValue[] NO_VALUES = {};

    /** The array part: slot i holds key i + 1; null is nil. */
    private LuaValue[] arr = NO_VALUES;
    /** The node part's keys, values and chain links (-1 ends a chain); null keys for Lua's dummy node. */
    private LuaValue[] keys;
    private LuaValue[] vals;
    private int[] nexts;
    /** getfreepos's pointer: every node at or above it has been handed out. */
    private int lastfree;
    /** Whether the entries live in LuaJ's weak storage (the superclass's) since a {@code __mode} metatable. */
    private boolean weak;

    /** An empty table (lua_newtable). */
    Lua51Table() {
    }

    /** luaH_new: an array part of exactly {@code narray} slots and a node part for {@code nhash} keys. */
    Lua51Table(int narray, int nhash) {
        arr = narray > 0 ? new LuaValue[narray] : NO_VALUES;
        nodes(nhash);
    }

    /** luaO_fb2int: the size an OP_NEWTABLE operand encodes ("floating point byte"). */
    static int fb2int(int x) {
        int e = (x >> 3) & 31;
        return e == 0 ? x : ((x & 7) + 8) << (e - 1);
    }

    /** OP_SETLIST's pre-allocation: the array part grows to {@code n} slots when smaller. */
    @Override
    public void presize(int n) {
        if (weak) {
            super.presize(n);
        } else if (n > arr.length) {
            resize(n, keys == null ? 0 : keys.length);
        }
    }

    @Override
    public void presize(int narray, int nhash) {
        presize(narray);
    }

    @Override
    protected int getArrayLength() {
        return weak ? super.getArrayLength() : arr.length;
    }

    @Override
    protected int getHashLength() {
        return weak ? super.getHashLength() : keys == null ? 0 : keys.length;
    }

    @Override
    public LuaValue rawget(int key) {
        if (weak) {
            return super.rawget(key);
        }
        if (key > 0 && key <= arr.length) {
            LuaValue v = arr[key - 1];
            return v == null ? NIL : v;
        }
        int n = find(LuaInteger.valueOf(key));
        return n < 0 ? NIL : vals[n];
    }

    @Override
    public LuaValue rawget(LuaValue key) {
        if (weak) {
            return super.rawget(key);
        }
        if (key.isinttype()) {
            return rawget(key.toint());
        }
        int n = find(key);
        return n < 0 ? NIL : vals[n];
    }

    @Override
    protected LuaValue hashget(LuaValue key) {
        return weak ? super.hashget(key) : rawget(key);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        if (weak) {
            super.rawset(key, value);
        } else if (key > 0 && key <= arr.length) {
            arr[key - 1] = value.isnil() ? null : value;
        } else {
            setNode(LuaInteger.valueOf(key), value);
        }
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        if (weak) {
            super.rawset(key, value);
        } else if (key.isinttype()) {
            rawset(key.toint(), value);
        } else {
            setNode(key, value);
        }
    }

    @Override
    public void hashset(LuaValue key, LuaValue value) {
        if (weak) {
            super.hashset(key, value);
        } else {
            rawset(key, value);
        }
    }

    /**
     * luaV_settable: Lua 5.1 takes the key's slot (luaH_set) before it looks for {@code __newindex}, so a nil or NaN
     * key is an error even when a metamethod would take it, and a missing key keeps the node it got (its value nil)
     * when the metamethod runs.
     */
    @Override
    public void set(LuaValue key, LuaValue value) {
        if (key.isnil() || key.type() == TNUMBER && Double.isNaN(key.todouble())) {
            typerror("table index");
        }
        LuaValue tm = m_metatable == null || !rawget(key).isnil() ? NIL : metatag(NEWINDEX);
        if (tm.isnil()) {
            rawset(key, value);
            return;
        }
        rawset(key, NIL);
        if (tm.isfunction()) {
            tm.call(this, key, value);
        } else {
            tm.set(key, value);
        }
    }

    @Override
    public void set(int key, LuaValue value) {
        set(LuaInteger.valueOf(key), value);
    }

    /** luaH_set's node path: a missing key gets a node even when the value stored is nil, as in Lua 5.1. */
    private void setNode(LuaValue key, LuaValue value) {
        int n = find(key);
        if (n < 0) {
            n = newKey(key);
            if (n < 0) {
                // Rehashed: the key may now belong in the array part.
                rawset(key, value);
                return;
            }
        }
        vals[n] = value.isnil() ? NIL : value;
    }

    /** The node holding {@code key}, -1 when it has none. */
    private int find(LuaValue key) {
        if (keys == null) {
            return -1;
        }
        for (int n = mainPosition(key); n >= 0; n = nexts[n]) {
            LuaValue k = keys[n];
            if (k == key || k != null && k.raweq(key)) {
                return n;
            }
        }
        return -1;
    }

    /** ltable.c's mainposition; other objects hash by identity, as Lua hashes their address. */
    private int mainPosition(LuaValue key) {
        int size = keys.length;
        switch (key.type()) {
            case TNUMBER -> {
                double d = key.todouble();
                if (d == 0) {
                    return 0;
                }
                long bits = Double.doubleToRawLongBits(d);
                return hashMod((int) bits + (int) (bits >>> 32), size);
            }
            case TSTRING -> {
                return stringHash((LuaString) key) & (size - 1);
            }
            case TBOOLEAN -> {
                return (key.toboolean() ? 1 : 0) & (size - 1);
            }
            default -> {
                return hashMod(System.identityHashCode(key), size);
            }
        }
    }

    /**
     * luaS_newlstr's hash as Redis's Lua has it: every byte hashed (Redis dropped 5.1's sampling of strings of 32
     * bytes or more, against collision attacks), on an unsigned int. LuaJ's LuaString.hashCode samples and shifts
     * right keeping the sign, which gives other low bits for long strings: keys would sit in other nodes.
     */
    private static int stringHash(LuaString s) {
        byte[] b = s.m_bytes;
        int h = s.m_length;
        for (int i = s.m_offset + s.m_length - 1; i >= s.m_offset; i--) {
            h ^= (h << 5) + (h >>> 2) + (b[i] & 0xff);
        }
        return h;
    }

    private static int hashMod(int h, int size) {
        return (int) (Integer.toUnsignedLong(h) % ((size - 1) | 1));
    }

    /**
     * luaH_newkey: the node the new key takes, its value nil; -1 when the table had no free node and was rehashed
     * instead (the caller sets the key again).
     */
    private int newKey(LuaValue key) {
        if (keys == null) {
            rehash(key);
            return -1;
        }
        int mp = mainPosition(key);
        if (keys[mp] != null && !vals[mp].isnil()) {
            int free = freePosition();
            if (free < 0) {
                rehash(key);
                return -1;
            }
            int other = mainPosition(keys[mp]);
            if (other != mp) {
                // The colliding node is out of its main position: it moves to the free node.
                while (nexts[other] != mp) {
                    other = nexts[other];
                }
                nexts[other] = free;
                keys[free] = keys[mp];
                vals[free] = vals[mp];
                nexts[free] = nexts[mp];
                nexts[mp] = -1;
            } else {
                nexts[free] = nexts[mp];
                nexts[mp] = free;
                mp = free;
            }
        }
        keys[mp] = key;
        vals[mp] = NIL;
        return mp;
    }

    /** getfreepos: the next node down with no key, -1 when none is left. */
    private int freePosition() {
        while (lastfree > 0) {
            lastfree--;
            if (keys[lastfree] == null) {
                return lastfree;
            }
        }
        return -1;
    }

    /** setnodevector: a node part for {@code size} keys rounded up to a power of two, or the dummy node. */
    private void nodes(int size) {
        if (size == 0) {
            keys = null;
            vals = null;
            nexts = null;
            lastfree = 0;
            return;
        }
        int n = 1 << ceilLog2(size);
        keys = new LuaValue[n];
        vals = new LuaValue[n];
        nexts = new int[n];
        java.util.Arrays.fill(vals, NIL);
        java.util.Arrays.fill(nexts, -1);
        lastfree = n;
    }

    private static int ceilLog2(int x) {
        return x <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(x - 1);
    }

    /** arrayindex: the key as an array index, 0 when it is not a positive whole number within MAXASIZE. */
    private static int arrayIndex(LuaValue key) {
        if (key.type() != TNUMBER) {
            return 0;
        }
        double d = key.todouble();
        int k = (int) d;
        return k == d && k > 0 && k <= 1 << MAXBITS ? k : 0;
    }

    /** ltable.c's rehash: sizes both parts for the keys in use plus {@code extra}, the key being added. */
    private void rehash(LuaValue extra) {
        int[] nums = new int[MAXBITS + 1];
        int nasize = 0;
        int i = 1;
        for (int lg = 0, ttlg = 1; lg <= MAXBITS; lg++, ttlg *= 2) {
            int lim = Math.min(ttlg, arr.length);
            if (i > lim) {
                break;
            }
            int lc = 0;
            for (; i <= lim; i++) {
                if (arr[i - 1] != null) {
                    lc++;
                }
            }
            nums[lg] += lc;
            nasize += lc;
        }
        int totaluse = nasize;
        if (keys != null) {
            for (int n = 0; n < keys.length; n++) {
                if (keys[n] != null && !vals[n].isnil()) {
                    int k = arrayIndex(keys[n]);
                    if (k > 0) {
                        nums[ceilLog2(k)]++;
                        nasize++;
                    }
                    totaluse++;
                }
            }
        }
        int ek = arrayIndex(extra);
        if (ek > 0) {
            nums[ceilLog2(ek)]++;
            nasize++;
        }
        totaluse++;
        // computesizes: the largest power of two n with more than n/2 of the slots 1..n in use.
        int a = 0;
        int na = 0;
        int size = 0;
        for (int lg = 0, twotoi = 1; twotoi / 2 < nasize; lg++, twotoi *= 2) {
            if (nums[lg] > 0) {
                a += nums[lg];
                if (a > twotoi / 2) {
                    size = twotoi;
                    na = a;
                }
            }
            if (a == nasize) {
                break;
            }
        }
        resize(size, totaluse - na);
    }

    /** ltable.c's resize: the array part to {@code nasize} slots, a new node part, and the keys put back. */
    private void resize(int nasize, int nhsize) {
        LuaValue[] oldArr = arr;
        LuaValue[] oldKeys = keys;
        LuaValue[] oldVals = vals;
        if (nasize > oldArr.length) {
            arr = java.util.Arrays.copyOf(oldArr, nasize);
        }
        nodes(nhsize);
        if (nasize < oldArr.length) {
            arr = java.util.Arrays.copyOf(oldArr, nasize);
            for (int i = nasize; i < oldArr.length; i++) {
                if (oldArr[i] != null) {
                    rawset(i + 1, oldArr[i]);
                }
            }
        }
        if (oldKeys != null) {
            for (int n = oldKeys.length - 1; n >= 0; n--) {
                if (oldKeys[n] != null && !oldVals[n].isnil()) {
                    rawset(oldKeys[n], oldVals[n]);
                }
            }
        }
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        if (weak || metatable == null || !metatable.istable() || metatable.rawget(MODE).isnil()) {
            return super.setmetatable(metatable);
        }
        java.util.List<Varargs> entries = new java.util.ArrayList<>();
        for (Varargs e = next(NIL); !e.arg1().isnil(); e = next(e.arg1())) {
            entries.add(e);
        }
        weak = true;
        arr = NO_VALUES;
        nodes(0);
        super.setmetatable(metatable);
        for (Varargs e : entries) {
            super.rawset(e.arg1(), e.arg(2));
        }
        return this;
    }

    /** luaH_getn: a border, found by binary search in the array part when its last slot is nil. */
    @Override
    public int rawlen() {
        if (weak) {
            return super.rawlen();
        }
        int j = arr.length;
        if (j > 0 && arr[j - 1] == null) {
            int i = 0;
            while (j - i > 1) {
                int m = (i + j) >>> 1;
                if (arr[m - 1] == null) {
                    j = m;
                } else {
                    i = m;
                }
            }
            return i;
        }
        if (keys == null) {
            return j;
        }
        // unbound_search
        long i = j;
        long k = (long) j + 1;
        while (!rawget((int) k).isnil()) {
            i = k;
            k *= 2;
            if (k > Integer.MAX_VALUE) {
                int n = 1;
                while (!rawget(n).isnil()) {
                    n++;
                }
                return n - 1;
            }
        }
        while (k - i > 1) {
            long m = (i + k) / 2;
            if (rawget((int) m).isnil()) {
                k = m;
            } else {
                i = m;
            }
        }
        return (int) i;
    }

    /** Lua 5.1's length of a table: {@code __len} is for userdata only. */
    @Override
    public int length() {
        return rawlen();
    }

    @Override
    public LuaValue len() {
        return LuaInteger.valueOf(rawlen());
    }

    /** luaH_next: the array part in order, then the nodes in order. */
    @Override
    public Varargs next(LuaValue key) {
        if (weak) {
            return super.next(key);
        }
        int i = index(key);
        for (i++; i < arr.length; i++) {
            if (arr[i] != null) {
                return varargsOf(LuaInteger.valueOf(i + 1), arr[i]);
            }
        }
        if (keys != null) {
            for (i -= arr.length; i < keys.length; i++) {
                if (keys[i] != null && !vals[i].isnil()) {
                    return varargsOf(keys[i], vals[i]);
                }
            }
        }
        return NIL;
    }

    /** findindex: where {@code key} is in the traversal order, -1 for nil. */
    private int index(LuaValue key) {
        if (key.isnil()) {
            return -1;
        }
        int k = arrayIndex(key);
        if (k > 0 && k <= arr.length) {
            return k - 1;
        }
        int n = find(key);
        if (n < 0) {
            throw new LuaError("invalid key to 'next'");
        }
        return n + arr.length;
    }
}
