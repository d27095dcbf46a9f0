package io.github.actas.keycloak.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.assertj.core.api.Assertions.assertThat;

class GlobTest {

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @CsvSource(delimiter = ';', nullValues = "NULL", value = {
            // wildcards
            "user_* ; user_1 ; true",
            "user_* ; user_ ; true",
            "user_* ; user ; false",
            "user_* ; xuser_1 ; false",
            "* ; anyone ; true",
            "* ; '' ; true",
            "*admin* ; the-admin-user ; true",
            "*admin* ; adm ; false",
            "a*b*c ; aXXbYYc ; true",
            "a*b*c ; aXXbYY ; false",
            "a*a*a ; aaa ; true",
            "a*a*a ; aa ; false",
            "** ; x ; true",
            // ? is exactly one character
            "user_? ; user_1 ; true",
            "user_? ; user_12 ; false",
            "user_? ; user_ ; false",
            "?? ; ab ; true",
            "?? ; a ; false",
            // case-insensitive on both sides
            "Admin* ; ADMIN1 ; true",
            "admin* ; AdMiN1 ; true",
            "USER_1 ; user_1 ; true",
            // regex metacharacters are literal
            "a.b ; a.b ; true",
            "a.b ; axb ; false",
            "a+b ; a+b ; true",
            "a+b ; aab ; false",
            "(x) ; (x) ; true",
            "(x) ; x ; false",
            "[ab] ; [ab] ; true",
            "[ab] ; a ; false",
            "a\\d ; a\\d ; true",
            "a\\d ; a1 ; false",
            "^a$ ; ^a$ ; true",
            "^a$ ; a ; false",
            "a|b ; a|b ; true",
            "a{2} ; aa ; false",
            "a{2} ; a{2} ; true",
            ".* ; anything ; false",
            ".* ; .anything ; true",
            // empty pattern and empty value
            "'' ; '' ; true",
            "'' ; a ; false",
            "a ; '' ; false",
            "? ; '' ; false",
    })
    void matches(String pattern, String value, boolean expected) {
        assertThat(Glob.compile(pattern).matches(value)).isEqualTo(expected);
    }

    @Test
    void onlyStarAndQuestionMarkMakeAPattern() {
        assertThat(Glob.isPattern("user_*")).isTrue();
        assertThat(Glob.isPattern("user_?")).isTrue();
        assertThat(Glob.isPattern("user.1+(x)[y]")).isFalse();
        assertThat(Glob.isPattern("")).isFalse();
    }

    @Test
    @Timeout(30) // a hang guard, not a performance measurement
    void pathologicalPatternDoesNotBacktrackExponentially() {
        // The regex equivalent would backtrack exponentially on this input; the glob matcher is O(n*m).
        assertThat(Glob.compile("*a*a*a*a*a*a*a*a*a*a*b").matches("a".repeat(5_000))).isFalse();
    }
}
