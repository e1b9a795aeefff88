package io.jredis.sentinel;

/** The failover state machine's states (Redis's SENTINEL_FAILOVER_STATE_*), with the names events and replies use. */
enum FailoverState {
    NONE("none"),
    WAIT_START("wait_start"),
    SELECT_SLAVE("select_slave"),
    SEND_SLAVEOF_NOONE("send_slaveof_noone"),
    WAIT_PROMOTION("wait_promotion"),
    RECONF_SLAVES("reconf_slaves"),
    UPDATE_CONFIG("update_config");

    final String text;

    FailoverState(String text) {
        this.text = text;
    }
}
