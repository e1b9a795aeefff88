package io.jredis.server.commands;

import java.util.Comparator;

/**
 * The C sorts Redis's replies depend on: the partial quicksort SORT ... LIMIT and GEORADIUS ... COUNT use, whose
 * order among equal elements is its own, and glibc's qsort, a stable merge sort.
 */
final class PartialSort {
    private PartialSort() {}

    /**
     * glibc's qsort (msort.c): top-down merge sort, left half of n/2 elements, ties taken from the left. Any stable
     * sort agrees with it for a consistent comparator; this one also agrees when NaN distances make the comparator
     * inconsistent, where {@link java.util.Arrays#sort} may throw.
     */
    static <T> void mergeSort(T[] a, Comparator<? super T> cmp) {
        mergeSort(a, 0, a.length, cmp, a.clone());
    }

    private static <T> void mergeSort(T[] a, int base, int n, Comparator<? super T> cmp, T[] tmp) {
        if (n <= 1) {
            return;
        }
        int n1 = n / 2;
        int n2 = n - n1;
        mergeSort(a, base, n1, cmp, tmp);
        mergeSort(a, base + n1, n2, cmp, tmp);
        int i = base;
        int j = base + n1;
        int out = 0;
        while (n1 > 0 && n2 > 0) {
            if (cmp.compare(a[i], a[j]) <= 0) {
                tmp[out++] = a[i++];
                n1--;
            } else {
                tmp[out++] = a[j++];
                n2--;
            }
        }
        if (n1 > 0) {
            System.arraycopy(a, i, tmp, out, n1);
        }
        System.arraycopy(tmp, 0, a, base, n - n2);
    }

    /**
     * Redis's pqsort (NetBSD's qsort, Bentley and McIlroy's, changed to skip partitions outside the wanted range
     * {@code [lrange, rrange]}): sorts {@code n} elements from {@code base} so that that range is in order. Unlike
     * NetBSD's, Redis 7.0.15's copy never switches to insertion sort when a partition pass swapped nothing, which
     * shows in the order of equal elements (GEORADIUS ... COUNT over members at one position).
     */
    static <T> void pqsort(T[] a, int base, int n, Comparator<? super T> cmp, int lrange, int rrange) {
        while (true) {
            if (n < 7) {
                insertionSort(a, base, n, cmp);
                return;
            }
            int pm = base + n / 2;
            if (n > 7) {
                int pl = base;
                int pn = base + n - 1;
                if (n > 40) {
                    int d = n / 8;
                    pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
                    pm = med3(a, pm - d, pm, pm + d, cmp);
                    pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
                }
                pm = med3(a, pl, pm, pn, cmp);
            }
            swap(a, base, pm);
            int pa = base + 1;
            int pb = pa;
            int pc = base + n - 1;
            int pd = pc;
            while (true) {
                int r;
                while (pb <= pc && (r = cmp.compare(a[pb], a[base])) <= 0) {
                    if (r == 0) {
                        swap(a, pa++, pb);
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp.compare(a[pc], a[base])) >= 0) {
                    if (r == 0) {
                        swap(a, pc, pd--);
                    }
                    pc--;
                }
                if (pb > pc) {
                    break;
                }
                swap(a, pb++, pc--);
            }
            int pn = base + n;
            int r = Math.min(pa - base, pb - pa);
            vecswap(a, base, pb - r, r);
            r = Math.min(pd - pc, pn - pd - 1);
            vecswap(a, pb, pn - r, r);
            r = pb - pa;
            if (r > 1 && !(rrange < base || lrange >= base + r)) {
                pqsort(a, base, r, cmp, lrange, rrange);
            }
            r = pd - pc;
            if (r <= 1) {
                return;
            }
            base = pn - r;
            n = r;
            if (rrange < base || lrange >= base + n) {
                return;
            }
        }
    }

    private static <T> void insertionSort(T[] a, int base, int n, Comparator<? super T> cmp) {
        for (int pm = base + 1; pm < base + n; pm++) {
            for (int pl = pm; pl > base && cmp.compare(a[pl - 1], a[pl]) > 0; pl--) {
                swap(a, pl, pl - 1);
            }
        }
    }

    private static <T> int med3(T[] a, int i, int j, int k, Comparator<? super T> cmp) {
        return cmp.compare(a[i], a[j]) < 0
                ? (cmp.compare(a[j], a[k]) < 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? k : i))
                : (cmp.compare(a[j], a[k]) > 0 ? j : (cmp.compare(a[i], a[k]) < 0 ? i : k));
    }

    private static <T> void swap(T[] a, int i, int j) {
        T t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private static <T> void vecswap(T[] a, int i, int j, int n) {
        for (int k = 0; k < n; k++) {
            swap(a, i + k, j + k);
        }
    }
}
