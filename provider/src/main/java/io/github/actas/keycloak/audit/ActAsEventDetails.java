package io.github.actas.keycloak.audit;

/**
 * Keys of the details Act-As adds to Keycloak events (the admin console's Events tab shows them). Act-As
 * also sets Keycloak's own {@code impersonator} detail to the acting username.
 */
public final class ActAsEventDetails {

    public static final String MODE = "act_as_mode";
    public static final String ACTOR_ID = "act_as_actor_id";
    public static final String ACTOR = "act_as_actor";
    public static final String ACTOR_CLIENT = "act_as_actor_client";
    public static final String TARGET = "act_as_target";
    public static final String TARGET_ID = "act_as_target_id";
    public static final String GRANT = "act_as_grant";
    public static final String REASON = "act_as_reason";
    public static final String DENIAL = "act_as_denial";
    public static final String GROUP = "act_as_group";
    public static final String GROUP_ID = "act_as_group_id";
    public static final String END_REASON = "act_as_end_reason";
    public static final String ENDED_BY = "act_as_ended_by";
    public static final String RECORD_ID = "act_as_record_id";
    public static final String EXPIRES = "act_as_expires";
    /** true when the request started a new Act-As session, false when it reused the one it started before. */
    public static final String SESSION_STARTED = "act_as_session_started";

    private ActAsEventDetails() {
    }
}
