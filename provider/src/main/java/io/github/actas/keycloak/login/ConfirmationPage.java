package io.github.actas.keycloak.login;

import io.github.actas.keycloak.acting.Durations;
import io.github.actas.keycloak.policy.Grant;
import org.keycloak.models.UserModel;

/** What the confirmation page (act-as-confirm.ftl) shows: FreeMarker reads these getters. */
public final class ConfirmationPage {

    private final UserModel actor;
    private final UserModel target;
    private final String groupPath;
    private final Grant grant;
    private final int durationSeconds;
    private final boolean reasonMissing;
    private final String reason;

    /**
     * @param target    the user acted as (null in group mode)
     * @param groupPath in group mode, the group acted as; else null
     */
    ConfirmationPage(UserModel actor, UserModel target, String groupPath, Grant grant, int durationSeconds,
                     boolean reasonMissing, String reason) {
        this.actor = actor;
        this.target = target;
        this.groupPath = groupPath;
        this.grant = grant;
        this.durationSeconds = durationSeconds;
        this.reasonMissing = reasonMissing;
        this.reason = reason;
    }

    public String getActorUsername() {
        return actor.getUsername();
    }

    /** Whether the page is about acting as a group. */
    public boolean isGroup() {
        return groupPath != null;
    }

    /** The user's username, or in group mode the group's path. */
    public String getTargetUsername() {
        return groupPath != null ? groupPath : target == null ? "" : target.getUsername();
    }

    /** "First Last" when the target has a name, else empty. */
    public String getTargetName() {
        if (target == null) {
            return "";
        }
        String first = target.getFirstName() == null ? "" : target.getFirstName();
        String last = target.getLastName() == null ? "" : target.getLastName();
        return (first + " " + last).trim();
    }

    public String getGrantName() {
        return grant == null ? "" : grant.name();
    }

    public int getDurationSeconds() {
        return durationSeconds;
    }

    /** The duration in words: "30 minutes", "2 hours", "45 seconds". */
    public String getDuration() {
        return Durations.describe(durationSeconds);
    }

    /** Whether the page must ask for a reason. */
    public boolean isReasonRequired() {
        return reasonMissing || grant != null && grant.reasonNeeded();
    }

    /** The grant's words for what a reason looks like ("T-1234"); its pattern is for the server, not for people. */
    public String getReasonHint() {
        return grant == null || grant.reasonHint() == null ? "" : grant.reasonHint();
    }

    public String getReason() {
        return reason == null ? "" : reason;
    }
}
