package io.jredis.server.util;

/** Address text as Redis prints it (CLIENT LIST, INFO, logs). */
public final class Addresses {
    private Addresses() {}

    /** RFC 5952 short form of a full IPv6 text ({@code 0:0:0:0:0:0:0:1} becomes {@code ::1}). */
    public static String compressIpv6(String full) {
        String[] groups = full.split(":", -1);
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i].replaceFirst("^0+", "").isEmpty()) {
                int j = i;
                while (j < 8 && groups[j].replaceFirst("^0+", "").isEmpty()) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestLen >= 2 && i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            String g = groups[i].replaceFirst("^0+(?=.)", "").toLowerCase();
            sb.append(g);
        }
        return sb.toString();
    }
}
