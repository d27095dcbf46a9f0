package io.github.actas.keycloak.account;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The users a page of the person list may show, pulled one source at a time and from each source one chunk at a
 * time, so a page loads only the users it gets to. (Streams joined with {@code flatMap} and read through an
 * iterator load each inner stream whole: the first page of a grant over a group loaded every member of its
 * subtree into the request's persistence context, and every later query flushed all of them.)
 */
final class UserCandidates implements Iterator<UserModel> {

    /** Users fetched per query: about two pages of the list. */
    static final int CHUNK = 50;
    /** Users fetched per query while candidates are passed over (a cursor's page): each query flushes the page's entities. */
    static final int SKIP_CHUNK = 500;

    private final Deque<Supplier<Iterator<UserModel>>> sources = new ArrayDeque<>();
    private Iterator<UserModel> current = Collections.emptyIterator();
    private int passingOver;

    /** The next {@code count} users will be passed over undecided: fetch them in fewer, larger queries. */
    UserCandidates passingOver(int count) {
        passingOver = count;
        return this;
    }

    /** Then the users of a paged query, {@code query(first, max)}, at most {@code limit} of them. */
    UserCandidates query(BiFunction<Integer, Integer, Stream<UserModel>> query, int limit) {
        sources.addLast(() -> new Chunks(query, limit, this::chunkSize));
        return this;
    }

    /** Then one user, looked up when the page gets to it. */
    UserCandidates user(Supplier<UserModel> lookup) {
        sources.addLast(() -> {
            UserModel user = lookup.get();
            return user == null ? Collections.emptyIterator() : List.of(user).iterator();
        });
        return this;
    }

    /** Then the members of {@code group} and of its subgroups, depth first, at most {@code limit} from each group. */
    UserCandidates subtree(KeycloakSession session, RealmModel realm, GroupModel group, int limit) {
        sources.addLast(() -> members(session, realm, group, limit));
        return this;
    }

    private Iterator<UserModel> members(KeycloakSession session, RealmModel realm, GroupModel group, int limit) {
        // The subgroups come right after this group's members, before whatever followed the group.
        List<GroupModel> children = group.getSubGroupsStream().toList();
        for (int i = children.size() - 1; i >= 0; i--) {
            GroupModel child = children.get(i);
            sources.addFirst(() -> members(session, realm, child, limit));
        }
        return new Chunks((first, max) -> session.users().getGroupMembersStream(realm, group, first, max), limit, this::chunkSize);
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (sources.isEmpty()) {
                return false;
            }
            current = sources.pollFirst().get();
        }
        return true;
    }

    @Override
    public UserModel next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        passingOver = Math.max(0, passingOver - 1);
        return current.next();
    }

    private int chunkSize() {
        return Math.max(CHUNK, Math.min(passingOver + CHUNK, SKIP_CHUNK));
    }

    /** A paged query read a chunk at a time, until it runs dry or {@code limit} users were read. */
    private static final class Chunks implements Iterator<UserModel> {

        private final BiFunction<Integer, Integer, Stream<UserModel>> query;
        private final int limit;
        private final IntSupplier size;
        private Iterator<UserModel> chunk = Collections.emptyIterator();
        private int read;
        private boolean dry;

        Chunks(BiFunction<Integer, Integer, Stream<UserModel>> query, int limit, IntSupplier size) {
            this.query = query;
            this.limit = limit;
            this.size = size;
        }

        @Override
        public boolean hasNext() {
            if (!chunk.hasNext() && !dry && read < limit) {
                int max = Math.min(size.getAsInt(), limit - read);
                List<UserModel> users;
                try (Stream<UserModel> stream = query.apply(read, max)) {
                    users = stream.toList();
                }
                dry = users.size() < max;
                chunk = users.iterator();
            }
            return chunk.hasNext();
        }

        @Override
        public UserModel next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            read++;
            return chunk.next();
        }
    }
}
