package io.github.actas.keycloak.policy;

/** Case folding for usernames, one char at a time so lengths never change (unlike String.toLowerCase). */
final class Text {

    private Text() {
    }

    static String fold(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.toLowerCase(c) != c) {
                char[] chars = value.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    chars[j] = Character.toLowerCase(chars[j]);
                }
                return new String(chars);
            }
        }
        return value;
    }
}
