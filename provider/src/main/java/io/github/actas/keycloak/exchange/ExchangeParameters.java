package io.github.actas.keycloak.exchange;

import java.util.List;
import java.util.Map;

import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Mode;

/**
 * The Act-As parameters of a token-exchange request, validated. Act-As claims a request when it carries
 * {@code requested_subject} (impersonate), {@code actor_token} or {@code act_as_mode=delegate}
 * (delegate), {@code requested_group} (group), or a subject token that is itself an Act-As token
 * (so its grant's rules follow it); everything else is left to Keycloak's standard exchange.
 */
final class ExchangeParameters {

    static final String SUBJECT_TOKEN = "subject_token";
    static final String SUBJECT_TOKEN_TYPE = "subject_token_type";
    static final String ACTOR_TOKEN = "actor_token";
    static final String ACTOR_TOKEN_TYPE = "actor_token_type";
    static final String REQUESTED_SUBJECT = "requested_subject";
    static final String REQUESTED_GROUP = "requested_group";
    static final String ACT_AS_MODE = "act_as_mode";
    static final String REASON = "reason";
    static final String SUBJECT_ISSUER = "subject_issuer";
    static final String REQUESTED_ISSUER = "requested_issuer";
    static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** The subject token type of an Act-As service-account key. */
    static final String SERVICE_ACCOUNT_KEY_TYPE = "urn:io.github.actas:token-type:service-account-key";

    static final int MAX_TOKEN_LENGTH = 65_536;
    static final int MAX_NAME_LENGTH = 255;
    /** A group path (names joined by slashes) or id. */
    static final int MAX_GROUP_LENGTH = 1000;
    static final int MAX_REASON_LENGTH = ActAsRequest.MAX_REASON_LENGTH;

    /** Which Act-As door a request is for; MALFORMED: an Act-As request that cannot be read unambiguously. */
    enum Kind {
        IMPERSONATE(Mode.IMPERSONATE), DELEGATE(Mode.DELEGATE), GROUP(Mode.GROUP),
        /** A service-account key exchanged for a token of its account. */
        SERVICE_ACCOUNT_KEY(null),
        CONTINUATION(null), MALFORMED(null);

        private final Mode mode;

        Kind(Mode mode) {
            this.mode = mode;
        }

        /** The acting mode a request of this kind asks for (null: a continuation or a malformed request). */
        Mode mode() {
            return mode;
        }
    }

    /** The parameters that make a request Act-As's. */
    private static final List<String> ACT_AS_PARAMETERS = List.of(REQUESTED_SUBJECT, REQUESTED_GROUP, ACTOR_TOKEN,
            ACTOR_TOKEN_TYPE, ACT_AS_MODE);

    /** What {@link #detect} found: the kind, and for {@link Kind#MALFORMED} what is wrong. */
    record Detection(Kind kind, String problem) {
    }

    final Kind kind;
    final String subjectToken;
    final String actorToken;
    final String requestedSubject;
    final String requestedGroup;
    final String reason;

    private ExchangeParameters(Kind kind, String subjectToken, String actorToken, String requestedSubject,
                               String requestedGroup, String reason) {
        this.kind = kind;
        this.subjectToken = subjectToken;
        this.actorToken = actorToken;
        this.requestedSubject = requestedSubject;
        this.requestedGroup = requestedGroup;
        this.reason = reason;
    }

    /**
     * @param subjectTokenActs whether the subject token carries an {@code act} claim (read without
     *                         verification: only to route; verification follows)
     * @return the kind of Act-As request, or null for a request that is not Act-As's
     */
    static Kind detect(Map<String, List<String>> form, boolean subjectTokenActs) {
        return detect(form, form, subjectTokenActs).kind();
    }

    /**
     * @param raw the request's form as it arrived; Keycloak hands providers a copy without the parameters it
     *            drops (values over its size limit). A dropped, repeated or conflicting Act-As parameter makes
     *            the request Act-As's and malformed: it must never fall through to Keycloak's own exchange,
     *            which would answer with the actor's own token.
     */
    static Detection detect(Map<String, List<String>> form, Map<String, List<String>> raw, boolean subjectTokenActs) {
        for (String name : ACT_AS_PARAMETERS) {
            List<String> values = raw.get(name);
            if (values != null && !form.containsKey(name)) {
                return new Detection(Kind.MALFORMED, "parameter '" + name + "' was dropped by the server (too long)");
            }
            if (values != null && values.size() > 1) {
                return new Detection(Kind.MALFORMED, "parameter '" + name + "' is repeated");
            }
        }
        if (form.containsKey(REQUESTED_SUBJECT) && form.containsKey(REQUESTED_GROUP)) {
            return new Detection(Kind.MALFORMED, "requested_subject and requested_group cannot be combined");
        }
        return new Detection(detectKind(form, subjectTokenActs), null);
    }

    private static Kind detectKind(Map<String, List<String>> form, boolean subjectTokenActs) {
        List<String> subjectTokenType = form.get(SUBJECT_TOKEN_TYPE);
        if (subjectTokenType != null && subjectTokenType.contains(SERVICE_ACCOUNT_KEY_TYPE)) {
            return Kind.SERVICE_ACCOUNT_KEY;
        }
        if (form.containsKey(REQUESTED_SUBJECT)) {
            return Kind.IMPERSONATE;
        }
        if (form.containsKey(REQUESTED_GROUP)) {
            return Kind.GROUP;
        }
        if (form.containsKey(ACTOR_TOKEN) || form.containsKey(ACTOR_TOKEN_TYPE) || form.containsKey(ACT_AS_MODE)) {
            return Kind.DELEGATE;
        }
        return subjectTokenActs ? Kind.CONTINUATION : null;
    }

    /** Validates the parameters of a request {@link #detect detected} as Act-As's. */
    static ExchangeParameters parse(Kind kind, Map<String, List<String>> form) {
        for (String name : List.of(SUBJECT_TOKEN, SUBJECT_TOKEN_TYPE, REASON)) {
            List<String> values = form.get(name);
            if (values != null && values.size() > 1) {
                throw ExchangeException.invalidRequest("parameter '" + name + "' is repeated");
            }
        }
        String mode = optional(form, ACT_AS_MODE, 32);
        if (mode != null) {
            Mode requested = Mode.fromWireName(mode);
            if (requested == null) {
                throw ExchangeException.invalidRequest("act_as_mode must be 'impersonate', 'delegate' or 'group'");
            }
            Mode detected = kind == Kind.CONTINUATION ? null : kind.mode();
            if (requested != detected) {
                throw ExchangeException.invalidRequest(requested == Mode.IMPERSONATE
                        ? "act_as_mode=impersonate needs requested_subject"
                        : requested == Mode.GROUP ? "act_as_mode=group needs requested_group"
                        : "act_as_mode=delegate cannot be combined with requested_subject or requested_group");
            }
        }

        if (form.containsKey(SUBJECT_ISSUER) || form.containsKey(REQUESTED_ISSUER)) {
            throw ExchangeException.invalidRequest("Act-As exchanges tokens of this realm only: "
                    + "subject_issuer and requested_issuer are not supported");
        }
        String subjectToken = token(form, SUBJECT_TOKEN);
        if (subjectToken == null) {
            throw ExchangeException.invalidRequest("parameter 'subject_token' is required");
        }
        if (kind == Kind.SERVICE_ACCOUNT_KEY) {
            // The key is the whole request: whom it acts as is the account's, fixed when it was created.
            for (String name : ACT_AS_PARAMETERS) {
                if (form.containsKey(name)) {
                    throw ExchangeException.invalidRequest("parameter '" + name + "' cannot be used with a service-account key");
                }
            }
            return new ExchangeParameters(kind, subjectToken, null, null, null, optional(form, REASON, MAX_REASON_LENGTH));
        }
        String subjectTokenType = required(form, SUBJECT_TOKEN_TYPE, MAX_NAME_LENGTH);
        if (!ACCESS_TOKEN_TYPE.equals(subjectTokenType)) {
            throw ExchangeException.invalidRequest("subject_token_type must be " + ACCESS_TOKEN_TYPE);
        }

        String actorToken = token(form, ACTOR_TOKEN);
        String actorTokenType = optional(form, ACTOR_TOKEN_TYPE, MAX_NAME_LENGTH);
        if (actorToken == null && form.containsKey(ACTOR_TOKEN)) {
            throw ExchangeException.invalidRequest("actor_token is empty");
        }
        if (actorToken != null && !ACCESS_TOKEN_TYPE.equals(actorTokenType)) {
            throw ExchangeException.invalidRequest("actor_token_type must be " + ACCESS_TOKEN_TYPE);
        }
        if (actorToken == null && actorTokenType != null) {
            throw ExchangeException.invalidRequest("actor_token_type given without actor_token");
        }

        String requestedSubject = null;
        if (kind == Kind.IMPERSONATE) {
            requestedSubject = required(form, REQUESTED_SUBJECT, MAX_NAME_LENGTH);
            if (actorToken != null) {
                throw ExchangeException.invalidRequest("requested_subject and actor_token cannot be combined");
            }
        }
        String requestedGroup = null;
        if (kind == Kind.GROUP) {
            requestedGroup = required(form, REQUESTED_GROUP, MAX_GROUP_LENGTH);
            if (actorToken != null) {
                throw ExchangeException.invalidRequest("requested_group and actor_token cannot be combined");
            }
        }
        String reason = optional(form, REASON, MAX_REASON_LENGTH);
        if (reason == null && form.containsKey(REASON)) {
            throw ExchangeException.invalidRequest("reason is empty");
        }
        return new ExchangeParameters(kind, subjectToken, actorToken, requestedSubject, requestedGroup, reason);
    }

    /** Tokens are verified cryptographically later; only their presence and size are checked here. */
    private static String token(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isBlank()) {
            return null;
        }
        if (values.get(0).length() > MAX_TOKEN_LENGTH) {
            throw ExchangeException.invalidRequest("parameter '" + name + "' is longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        return values.get(0);
    }

    private static String required(Map<String, List<String>> form, String name, int maxLength) {
        String value = optional(form, name, maxLength);
        if (value == null) {
            throw ExchangeException.invalidRequest("parameter '" + name + "' is required");
        }
        return value;
    }

    /** @return the single value, or null when absent or blank; refuses oversized and control-character values */
    private static String optional(Map<String, List<String>> form, String name, int maxLength) {
        List<String> values = form.get(name);
        if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isBlank()) {
            return null;
        }
        String value = values.get(0);
        if (value.length() > maxLength) {
            throw ExchangeException.invalidRequest("parameter '" + name + "' is longer than " + maxLength + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw ExchangeException.invalidRequest("parameter '" + name + "' contains control characters");
            }
        }
        return value;
    }
}
