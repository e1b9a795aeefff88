package io.jredis.server.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A directive taking one word out of a fixed list ({@code loglevel}, {@code maxmemory-policy}, ...). */
public final class EnumDirective extends Directive {
    private final List<String> choices;
    private final Map<String, String> synonyms = new HashMap<>();
    private final String def;
    private String value;

    /** {@code choices} in Redis's order, which its error message lists. */
    public EnumDirective(String name, String def, List<String> choices, int flags, String... aliases) {
        super(name, flags, aliases);
        this.choices = List.copyOf(choices);
        this.def = def;
        this.value = def;
    }

    /**
     * Declares {@code word} (one of the choices) as another spelling of {@code canonical}: it is accepted, stored
     * and printed as {@code canonical} ({@code oom-score-adj relative} reads back as {@code yes}).
     */
    public EnumDirective synonym(String word, String canonical) {
        synonyms.put(word, canonical);
        return this;
    }

    public String value() {
        return value;
    }

    @Override
    public boolean set(String[] args) throws ConfigException {
        String v = cstr(args[0]).toLowerCase();
        if (!choices.contains(v)) {
            throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", choices));
        }
        v = synonyms.getOrDefault(v, v);
        boolean changed = !v.equals(value);
        value = v;
        return changed;
    }

    @Override
    public String get() {
        return value;
    }

    @Override
    public void rewrite(ConfigRewrite rw) {
        rw.line(name(), name() + " " + value, !value.equals(def));
    }
}
