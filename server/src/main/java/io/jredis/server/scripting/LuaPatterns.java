package io.jredis.server.scripting;

import java.io.ByteArrayOutputStream;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's pattern matcher (lstrlib.c) for find, match, gmatch and gsub, used where LuaJ's differs (see
 * {@link #needed}): LuaJ's matcher inverts the frontier test and reads past the end of the subject there. Like C,
 * the pattern ends at its first NUL and reading at the end of the subject gives the NUL that terminates it.
 */
final class LuaPatterns {
    private static final int MAXCAPTURES = 32;
    private static final int CAP_UNFINISHED = -1;
    private static final int CAP_POSITION = -2;

    private final LuaString src;
    private final LuaString pat;
    private final int srcEnd;
    private final int patEnd;
    private int level;
    private final int[] captureInit = new int[MAXCAPTURES];
    private final int[] captureLen = new int[MAXCAPTURES];

    private LuaPatterns(LuaString src, LuaString pat) {
        this.src = src;
        this.pat = pat;
        this.srcEnd = src.length();
        int end = 0;
        while (end < pat.length() && pat.luaByte(end) != 0) {
            end++;
        }
        this.patEnd = end;
    }

    /**
     * True when LuaJ's matcher would answer otherwise than this one: for a pattern with a frontier ({@code %f}), and
     * for a character class ({@code %a}, {@code %W}...) over a subject with bytes above 127, which LuaJ classes as
     * Java's Unicode does (0xC8 a letter) where C's "C" locale puts them in no class.
     */
    static boolean needed(LuaString s, LuaString p) {
        boolean classes = false;
        for (int i = 0; i + 1 < p.length(); i++) {
            if (p.luaByte(i) == '%') {
                int c = p.luaByte(i + 1);
                if (c == 'f') {
                    return true;
                }
                classes |= c < 128 && Character.isLetter(c);
                i++;
            }
        }
        if (classes) {
            for (int i = 0; i < s.length(); i++) {
                if (s.luaByte(i) >= 128) {
                    return true;
                }
            }
        }
        return false;
    }

    /** str_find_aux for a pattern search: find's start, end and captures, or match's captures; nil without one. */
    static Varargs find(LuaString s, LuaString p, double initArg, boolean find) {
        int l1 = s.length();
        long init = (long) initArg;
        init = (init < 0 ? Math.max(init + l1 + 1, 0) : init) - 1;
        if (init < 0) {
            init = 0;
        } else if (init > l1) {
            init = l1;
        }
        LuaPatterns ms = new LuaPatterns(s, p);
        boolean anchor = ms.p(0) == '^';
        int p0 = anchor ? 1 : 0;
        int s1 = (int) init;
        do {
            ms.level = 0;
            int res = ms.match(s1, p0);
            if (res >= 0) {
                if (find) {
                    Varargs caps = ms.captures(-1, 0);
                    return LuaValue.varargsOf(LuaValue.valueOf(s1 + 1), LuaValue.valueOf(res), caps);
                }
                return ms.captures(s1, res);
            }
        } while (s1++ < ms.srcEnd && !anchor);
        return LuaValue.NIL;
    }

    /** gmatch's iterator (gmatch_aux): no anchor, an empty match moves on by one. */
    static LuaValue gmatch(LuaString s, LuaString p) {
        return new VarArgFunction() {
            private int start;

            @Override
            public Varargs invoke(Varargs args) {
                LuaPatterns ms = new LuaPatterns(s, p);
                for (int at = start; at <= ms.srcEnd; at++) {
                    ms.level = 0;
                    int e = ms.match(at, 0);
                    if (e >= 0) {
                        start = e == at ? e + 1 : e;
                        return ms.captures(at, e);
                    }
                }
                return NONE;
            }
        };
    }

    /**
     * str_gsub. {@code repl} is a string (add_s's escapes) or a function given the captures (a table replacement
     * arrives as a function of its first capture); {@code maxN} is the most replacements.
     */
    static Varargs gsub(LuaString s, LuaString p, LuaValue repl, int maxN) {
        LuaPatterns ms = new LuaPatterns(s, p);
        boolean anchor = ms.p(0) == '^';
        int p0 = anchor ? 1 : 0;
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        int at = 0;
        int n = 0;
        while (n < maxN) {
            ms.level = 0;
            int e = ms.match(at, p0);
            if (e >= 0) {
                n++;
                ms.addValue(b, at, e, repl);
            }
            if (e >= 0 && e > at) {
                at = e;
            } else if (at < ms.srcEnd) {
                b.write(s.luaByte(at++));
            } else {
                break;
            }
            if (anchor) {
                break;
            }
        }
        for (; at < ms.srcEnd; at++) {
            b.write(s.luaByte(at));
        }
        return LuaValue.varargsOf(LuaString.valueUsing(b.toByteArray()), LuaValue.valueOf(n));
    }

    private void addValue(ByteArrayOutputStream b, int s, int e, LuaValue repl) {
        LuaValue v;
        if (repl.type() == LuaValue.TSTRING) {
            addString(b, s, e, repl.checkstring());
            return;
        }
        v = repl.invoke(captures(s, e)).arg1();
        if (!v.toboolean()) {
            write(b, src, s, e - s);
        } else if (v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER) {
            LuaString t = v.checkstring();
            write(b, t, 0, t.length());
        } else {
            throw new LuaError("invalid replacement value (a " + v.typename() + ")");
        }
    }

    /** add_s: %0 the match, %1..%9 a capture, % before anything else that character. */
    private void addString(ByteArrayOutputStream b, int s, int e, LuaString news) {
        int l = news.length();
        for (int i = 0; i < l; i++) {
            int c = news.luaByte(i);
            if (c != '%') {
                b.write(c);
                continue;
            }
            i++;
            int d = i < l ? news.luaByte(i) : 0;
            if (d < '0' || d > '9') {
                b.write(d);
            } else if (d == '0') {
                write(b, src, s, e - s);
            } else {
                LuaValue cap = capture(d - '1', s, e);
                LuaString t = cap.checkstring();
                write(b, t, 0, t.length());
            }
        }
    }

    private static void write(ByteArrayOutputStream b, LuaString t, int from, int len) {
        for (int i = 0; i < len; i++) {
            b.write(t.luaByte(from + i));
        }
    }

    /** push_captures: the whole match when the pattern has no capture and {@code s} is a match. */
    private Varargs captures(int s, int e) {
        int n = level == 0 && s >= 0 ? 1 : level;
        LuaValue[] out = new LuaValue[n];
        for (int i = 0; i < n; i++) {
            out[i] = capture(i, s, e);
        }
        return LuaValue.varargsOf(out);
    }

    /** push_onecapture. */
    private LuaValue capture(int i, int s, int e) {
        if (i >= level) {
            if (i == 0) {
                return src.substring(s, e);
            }
            throw new LuaError("invalid capture index");
        }
        int l = captureLen[i];
        if (l == CAP_UNFINISHED) {
            throw new LuaError("unfinished capture");
        }
        if (l == CAP_POSITION) {
            return LuaValue.valueOf(captureInit[i] + 1);
        }
        return src.substring(captureInit[i], captureInit[i] + l);
    }

    /** The pattern's byte at {@code i}, NUL from its end on. */
    private int p(int i) {
        return i < patEnd ? pat.luaByte(i) : 0;
    }

    /** The subject's byte at {@code i}, NUL at its end. */
    private int s(int i) {
        return i < srcEnd ? src.luaByte(i) : 0;
    }

    private int classEnd(int p) {
        int c = p(p++);
        if (c == '%') {
            if (p(p) == 0) {
                throw new LuaError("malformed pattern (ends with '%')");
            }
            return p + 1;
        }
        if (c == '[') {
            if (p(p) == '^') {
                p++;
            }
            do {
                if (p(p) == 0) {
                    throw new LuaError("malformed pattern (missing ']')");
                }
                if (p(p++) == '%' && p(p) != 0) {
                    p++;
                }
            } while (p(p) != ']');
            return p + 1;
        }
        return p;
    }

    /** match_class with C's ctype in the "C" locale. */
    private static boolean matchClass(int c, int cl) {
        boolean res;
        switch (Character.toLowerCase(cl)) {
            case 'a' -> res = isalpha(c);
            case 'c' -> res = c < 32 || c == 127;
            case 'd' -> res = c >= '0' && c <= '9';
            case 'l' -> res = c >= 'a' && c <= 'z';
            case 'p' -> res = c > 32 && c < 127 && !isalpha(c) && !(c >= '0' && c <= '9');
            case 's' -> res = c == ' ' || (c >= '\t' && c <= '\r');
            case 'u' -> res = c >= 'A' && c <= 'Z';
            case 'w' -> res = isalpha(c) || (c >= '0' && c <= '9');
            case 'x' -> res = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            case 'z' -> res = c == 0;
            default -> {
                return cl == c;
            }
        }
        return cl >= 'a' && cl <= 'z' ? res : !res;
    }

    private static boolean isalpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** matchbracketclass: {@code p} at the '[', {@code ec} at the closing ']'. */
    private boolean matchBracketClass(int c, int p, int ec) {
        boolean sig = true;
        if (p(p + 1) == '^') {
            sig = false;
            p++;
        }
        while (++p < ec) {
            if (p(p) == '%') {
                p++;
                if (matchClass(c, p(p))) {
                    return sig;
                }
            } else if (p(p + 1) == '-' && p + 2 < ec) {
                p += 2;
                if (p(p - 2) <= c && c <= p(p)) {
                    return sig;
                }
            } else if (p(p) == c) {
                return sig;
            }
        }
        return !sig;
    }

    private boolean singleMatch(int c, int p, int ep) {
        return switch (p(p)) {
            case '.' -> true;
            case '%' -> matchClass(c, p(p + 1));
            case '[' -> matchBracketClass(c, p, ep - 1);
            default -> p(p) == c;
        };
    }

    private int matchBalance(int s, int p) {
        if (p(p) == 0 || p(p + 1) == 0) {
            throw new LuaError("unbalanced pattern");
        }
        if (s(s) != p(p)) {
            return -1;
        }
        int b = p(p);
        int e = p(p + 1);
        int cont = 1;
        while (++s < srcEnd) {
            int c = s(s);
            if (c == e) {
                if (--cont == 0) {
                    return s + 1;
                }
            } else if (c == b) {
                cont++;
            }
        }
        return -1;
    }

    private int maxExpand(int s, int p, int ep) {
        int i = 0;
        while (s + i < srcEnd && singleMatch(s(s + i), p, ep)) {
            i++;
        }
        while (i >= 0) {
            int res = match(s + i, ep + 1);
            if (res >= 0) {
                return res;
            }
            i--;
        }
        return -1;
    }

    private int minExpand(int s, int p, int ep) {
        for (;;) {
            int res = match(s, ep + 1);
            if (res >= 0) {
                return res;
            } else if (s < srcEnd && singleMatch(s(s), p, ep)) {
                s++;
            } else {
                return -1;
            }
        }
    }

    private int startCapture(int s, int p, int what) {
        if (level >= MAXCAPTURES) {
            throw new LuaError("too many captures");
        }
        captureInit[level] = s;
        captureLen[level] = what;
        level++;
        int res = match(s, p);
        if (res < 0) {
            level--;
        }
        return res;
    }

    private int endCapture(int s, int p) {
        int l = -1;
        for (int i = level - 1; i >= 0; i--) {
            if (captureLen[i] == CAP_UNFINISHED) {
                l = i;
                break;
            }
        }
        if (l < 0) {
            throw new LuaError("invalid pattern capture");
        }
        captureLen[l] = s - captureInit[l];
        int res = match(s, p);
        if (res < 0) {
            captureLen[l] = CAP_UNFINISHED;
        }
        return res;
    }

    private int matchCapture(int s, int l) {
        l -= '1';
        if (l < 0 || l >= level || captureLen[l] == CAP_UNFINISHED) {
            throw new LuaError("invalid capture index");
        }
        int len = captureLen[l];
        if (srcEnd - s >= len) {
            boolean same = true;
            for (int i = 0; i < len && same; i++) {
                same = src.luaByte(captureInit[l] + i) == src.luaByte(s + i);
            }
            if (same) {
                return s + len;
            }
        }
        return -1;
    }

    /** lstrlib's match: the end of the match of the pattern from {@code p} at {@code s}, or -1. */
    private int match(int s, int p) {
        while (true) {
            switch (p(p)) {
                case '(':
                    return p(p + 1) == ')' ? startCapture(s, p + 2, CAP_POSITION)
                            : startCapture(s, p + 1, CAP_UNFINISHED);
                case ')':
                    return endCapture(s, p + 1);
                case 0:
                    return s;
                case '%':
                    if (p(p + 1) == 'b') {
                        s = matchBalance(s, p + 2);
                        if (s < 0) {
                            return -1;
                        }
                        p += 4;
                        continue;
                    }
                    if (p(p + 1) == 'f') {
                        p += 2;
                        if (p(p) != '[') {
                            throw new LuaError("missing '[' after '%f' in pattern");
                        }
                        int ep = classEnd(p);
                        int previous = s == 0 ? 0 : s(s - 1);
                        if (matchBracketClass(previous, p, ep - 1) || !matchBracketClass(s(s), p, ep - 1)) {
                            return -1;
                        }
                        p = ep;
                        continue;
                    }
                    if (p(p + 1) >= '0' && p(p + 1) <= '9') {
                        s = matchCapture(s, p(p + 1));
                        if (s < 0) {
                            return -1;
                        }
                        p += 2;
                        continue;
                    }
                    break;
                case '$':
                    if (p(p + 1) == 0) {
                        return s == srcEnd ? s : -1;
                    }
                    break;
                default:
                    break;
            }
            int ep = classEnd(p);
            boolean m = s < srcEnd && singleMatch(s(s), p, ep);
            switch (p(ep)) {
                case '?': {
                    if (m) {
                        int res = match(s + 1, ep + 1);
                        if (res >= 0) {
                            return res;
                        }
                    }
                    p = ep + 1;
                    continue;
                }
                case '*':
                    return maxExpand(s, p, ep);
                case '+':
                    return m ? maxExpand(s + 1, p, ep) : -1;
                case '-':
                    return minExpand(s, p, ep);
                default:
                    if (!m) {
                        return -1;
                    }
                    s++;
                    p = ep;
            }
        }
    }
}
