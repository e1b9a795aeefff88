package io.jredis.server.db;

/** The types TYPE reports. */
public enum ValueType {
    STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash"), STREAM("stream");

    private final String typeName;

    ValueType(String typeName) {
        this.typeName = typeName;
    }

    /** The word TYPE and SCAN's TYPE filter use. */
    public String typeName() {
        return typeName;
    }
}
