package io.jredis.junit;

/** How long an embedded server or cluster lives. */
public enum Lifecycle {
    /** One for all the tests of a class (started before {@code @BeforeAll} methods, closed after the class). */
    PER_CLASS,
    /** A fresh one for each test (started before {@code @BeforeEach} methods, closed after the test). */
    PER_TEST
}
