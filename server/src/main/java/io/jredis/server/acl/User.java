package io.jredis.server.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * An ACL user: enabled or not, passwords as SHA-256 hex digests (or nopass), and its selectors, the root one first.
 * Clients hold the user object itself, so changing a user changes what its connected clients may do.
 */
public final class User {
    private final String name;
    boolean enabled;
    boolean nopass;
    /** sanitize-payload / skip-sanitize-payload; neither is set on a user that was never reset. */
    boolean sanitize;
    boolean skipSanitize;
    final List<String> passwords = new ArrayList<>();
    final List<Selector> selectors = new ArrayList<>();

    User(String name, boolean allChannels) {
        this.name = name;
        selectors.add(new Selector(true, allChannels));
    }

    /** The user's name, as AUTH, ACL WHOAMI and CLIENT LIST show it. */
    public String name() {
        return name;
    }

    public boolean enabled() {
        return enabled;
    }

    /** True when any password authenticates this user. */
    public boolean nopass() {
        return nopass;
    }

    Selector root() {
        return selectors.get(0);
    }

    /** Takes over another user's flags, passwords and selectors (ACL SETUSER applies to a copy, then commits). */
    void copyFrom(User src) {
        enabled = src.enabled;
        nopass = src.nopass;
        sanitize = src.sanitize;
        skipSanitize = src.skipSanitize;
        passwords.clear();
        passwords.addAll(src.passwords);
        selectors.clear();
        for (Selector s : src.selectors) {
            selectors.add(s.copy());
        }
    }

    /** Flag names in Redis's order (on, off, nopass, skip-sanitize-payload, sanitize-payload). */
    List<String> flags() {
        List<String> out = new ArrayList<>(3);
        out.add(enabled ? "on" : "off");
        if (nopass) {
            out.add("nopass");
        }
        if (skipSanitize) {
            out.add("skip-sanitize-payload");
        }
        if (sanitize) {
            out.add("sanitize-payload");
        }
        return out;
    }

    /** The rules that recreate this user, as ACL LIST and ACL SAVE write them after "user name ". */
    String describe(Acl acl) {
        StringBuilder sb = new StringBuilder();
        for (String f : flags()) {
            sb.append(f).append(' ');
        }
        for (String p : passwords) {
            sb.append('#').append(p).append(' ');
        }
        for (Selector s : selectors) {
            if (s.root) {
                sb.append(s.describe(acl));
            } else {
                sb.append(" (").append(s.describe(acl)).append(')');
            }
        }
        return sb.toString();
    }
}
