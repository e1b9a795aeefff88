package io.jredis.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A directive holding a list of words ({@code bind 127.0.0.1 -::1}). CONFIG GET prints them space-separated and
 * CONFIG SET takes them the same way.
 */
public final class ListDirective extends Directive {
    private final Predicate<List<String>> validator;
    private final String invalidMessage;
    private List<String> value;

    public ListDirective(String name, List<String> def, Predicate<List<String>> validator, String invalidMessage,
            int flags, String... aliases) {
        super(name, flags, aliases);
        this.value = List.copyOf(def);
        this.validator = validator;
        this.invalidMessage = invalidMessage;
    }

    public List<String> value() {
        return value;
    }

    @Override
    public void set(String[] args) throws ConfigException {
        List<String> v = new ArrayList<>();
        for (String a : args) {
            if (!a.isEmpty()) {
                v.add(a);
            }
        }
        if (!validator.test(v)) {
            throw new ConfigException(invalidMessage);
        }
        value = List.copyOf(v);
    }

    @Override
    public void setFromString(String s) throws ConfigException {
        set(s.trim().isEmpty() ? new String[0] : s.trim().split("\\s+"));
    }

    @Override
    public String get() {
        return String.join(" ", value);
    }
}
