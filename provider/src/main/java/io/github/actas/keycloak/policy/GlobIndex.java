package io.github.actas.keycloak.policy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the grants whose actor username globs match a username without trying every glob: globs are
 * filed in a character trie under their literal prefix, so a lookup walks the username once and
 * only verifies globs whose prefix it already matched.
 */
final class GlobIndex {

    private static final GlobIndex EMPTY = new GlobIndex(new Node(new char[0], new Node[0], new Glob[0], new int[0]));

    private final Node root;

    private GlobIndex(Node root) {
        this.root = root;
    }

    /** Adds every grant number whose glob matches {@code folded} (a folded username). */
    void collect(String folded, IntList out) {
        Node node = root;
        node.collect(folded, out);
        for (int i = 0; i < folded.length(); i++) {
            node = node.child(folded.charAt(i));
            if (node == null) {
                return;
            }
            node.collect(folded, out);
        }
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private final BuilderNode root = new BuilderNode();
        private boolean empty = true;

        void add(Glob glob, int grant) {
            BuilderNode node = root;
            String prefix = glob.literalPrefix();
            for (int i = 0; i < prefix.length(); i++) {
                node = node.children.computeIfAbsent(prefix.charAt(i), c -> new BuilderNode());
            }
            node.globs.add(glob);
            node.grants.add(grant);
            empty = false;
        }

        GlobIndex build() {
            return empty ? EMPTY : new GlobIndex(root.freeze());
        }
    }

    private static final class BuilderNode {
        final Map<Character, BuilderNode> children = new TreeMap<>();
        final List<Glob> globs = new ArrayList<>();
        final List<Integer> grants = new ArrayList<>();

        Node freeze() {
            char[] keys = new char[children.size()];
            Node[] nodes = new Node[children.size()];
            int i = 0;
            for (Map.Entry<Character, BuilderNode> entry : children.entrySet()) {
                keys[i] = entry.getKey();
                nodes[i] = entry.getValue().freeze();
                i++;
            }
            return new Node(keys, nodes, globs.toArray(new Glob[0]),
                    grants.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    private static final class Node {
        final char[] keys; // sorted, for binary search
        final Node[] children;
        final Glob[] globs;
        final int[] grants;

        Node(char[] keys, Node[] children, Glob[] globs, int[] grants) {
            this.keys = keys;
            this.children = children;
            this.globs = globs;
            this.grants = grants;
        }

        Node child(char c) {
            int index = Arrays.binarySearch(keys, c);
            return index >= 0 ? children[index] : null;
        }

        void collect(String folded, IntList out) {
            for (int i = 0; i < globs.length; i++) {
                if (globs[i].matchesFolded(folded)) {
                    out.add(grants[i]);
                }
            }
        }
    }
}
