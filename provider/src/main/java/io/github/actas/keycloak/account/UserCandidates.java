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

    /** Users fetched by a source's first query: about two pages of the list. */
    static final int CHUNK = 50;
    /**
     * The most fetched per query. A source's queries double in size up to it (a search whose matches are mostly
     * refused reads its 2,000 candidates in seven queries, not forty), and candidates a cursor passes over are
     * fetched in chunks this large at once: every query also flushes the entities the page has loaded.
     */
    static final int MAX_CHUNK = 500;

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
        sources.addLast(() -> new Chunks(query, limit, this::chunkSize, false));
        return this;
    }

    /**
     * Then the users of Keycloak's user search, at most {@code limit}. Its last page is the first short one, as in
     * Keycloak's own admin console: a term few users match costs a scan of the realm's users per query, and asking
     * again after a short page would double it for a federated user that might have been dropped.
     */
    UserCandidates search(BiFunction<Integer, Integer, Stream<UserModel>> query, int limit) {
        sources.addLast(() -> new Chunks(query, limit, this::chunkSize, true));
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
        List<GroupModel> children;
        try (Stream<GroupModel> subgroups = group.getSubGroupsStream()) {
            children = subgroups.toList();
        }
        for (int i = children.size() - 1; i >= 0; i--) {
            GroupModel child = children.get(i);
            sources.addFirst(() -> members(session, realm, child, limit));
        }
        return new Chunks((first, max) -> session.users().getGroupMembersStream(realm, group, first, max), limit, this::chunkSize, false);
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
        return Math.max(CHUNK, Math.min(passingOver + CHUNK, MAX_CHUNK));
    }

    /**
     * A paged query read a chunk at a time, each twice the last, until one comes back empty or {@code limit} rows
     * were asked for.
     */
    private static final class Chunks implements Iterator<UserModel> {

        private final BiFunction<Integer, Integer, Stream<UserModel>> query;
        private final int limit;
        private final IntSupplier size;
        private final boolean shortIsLast;
        private Iterator<UserModel> chunk = Collections.emptyIterator();
        private int offset;
        private int fetches;
        private boolean dry;

        Chunks(BiFunction<Integer, Integer, Stream<UserModel>> query, int limit, IntSupplier size, boolean shortIsLast) {
            this.query = query;
            this.limit = limit;
            this.size = size;
            this.shortIsLast = shortIsLast;
        }

        @Override
        public boolean hasNext() {
            while (!chunk.hasNext() && !dry && offset < limit) {
                int growing = Math.min(MAX_CHUNK, CHUNK << Math.min(fetches++, 4));
                int max = Math.min(Math.max(size.getAsInt(), growing), limit - offset);
                List<UserModel> users;
                try (Stream<UserModel> stream = query.apply(offset, max)) {
                    users = stream.toList();
                }
                // Keycloak pages first and drops users after (federation links that no longer validate, role
                // members it cannot load): the next chunk starts after all that were asked for, and only an empty
                // chunk ends the source (a search: a short one).
                offset += max;
                dry = users.isEmpty() || shortIsLast && users.size() < max;
                chunk = users.iterator();
            }
            return chunk.hasNext();
        }

        @Override
        public UserModel next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return chunk.next();
        }
    }
}
