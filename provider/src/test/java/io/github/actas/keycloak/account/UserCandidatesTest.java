package io.github.actas.keycloak.account;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.keycloak.models.UserModel;

import static org.assertj.core.api.Assertions.assertThat;

class UserCandidatesTest {

    /** A user that answers only its id: all the pager reads. */
    private static UserModel user(int n) {
        String id = "user-" + n;
        return (UserModel) Proxy.newProxyInstance(UserModel.class.getClassLoader(), new Class<?>[] {UserModel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getId", "toString" -> id;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A query over {@code size} users that remembers each page it was asked for. */
    private static BiFunction<Integer, Integer, Stream<UserModel>> query(int size, List<String> asked) {
        return (first, max) -> {
            asked.add(first + "+" + max);
            return IntStream.range(first, Math.min(size, first + max)).mapToObj(UserCandidatesTest::user);
        };
    }

    private static List<String> ids(UserCandidates candidates, int count) {
        List<String> out = new ArrayList<>();
        while (out.size() < count && candidates.hasNext()) {
            out.add(candidates.next().getId());
        }
        return out;
    }

    @Test
    void nothingIsQueriedBeforeTheFirstCandidateIsAskedFor() {
        List<String> asked = new ArrayList<>();
        new UserCandidates().query(query(1000, asked), 2000);
        assertThat(asked).isEmpty();
    }

    @Test
    void aPageReadsOnlyTheChunkItGetsTo() {
        List<String> asked = new ArrayList<>();
        UserCandidates candidates = new UserCandidates().query(query(1000, asked), 2000);
        assertThat(ids(candidates, 21)).hasSize(21).startsWith("user-0").endsWith("user-20");
        assertThat(asked).containsExactly("0+50");
    }

    @Test
    void sourcesFollowEachOtherAndEachStopsAtItsLimitOrWhenItRunsDry() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        List<String> looked = new ArrayList<>();
        UserCandidates candidates = new UserCandidates()
                .query(query(120, first), 2000)
                .user(() -> {
                    looked.add("named");
                    return user(9999);
                })
                .query(query(1000, second), 70);
        List<String> all = ids(candidates, Integer.MAX_VALUE);
        assertThat(all).hasSize(120 + 1 + 70);
        assertThat(all.get(120)).isEqualTo("user-9999");
        assertThat(first).containsExactly("0+50", "50+100", "150+200"); // each twice the last, until one comes back empty
        assertThat(second).containsExactly("0+50", "50+20");
        assertThat(looked).containsExactly("named");
    }

    @Test
    void passingOverACursorsCandidatesTakesFewerLargerQueries() {
        List<String> asked = new ArrayList<>();
        UserCandidates candidates = new UserCandidates().query(query(1000, asked), 2000).passingOver(500);
        assertThat(ids(candidates, 521)).hasSize(521).endsWith("user-520");
        assertThat(asked).containsExactly("0+500", "500+100");
    }

    @Test
    void aShortChunkDoesNotEndItsSource() {
        // Keycloak drops users after paging (a federated user that no longer validates): 50 asked, 49 answered.
        List<String> asked = new ArrayList<>();
        BiFunction<Integer, Integer, Stream<UserModel>> dropping = (first, max) -> {
            asked.add(first + "+" + max);
            return IntStream.range(first, Math.min(300, first + max)).filter(n -> n != 7).mapToObj(UserCandidatesTest::user);
        };
        List<String> all = ids(new UserCandidates().query(dropping, 2000), Integer.MAX_VALUE);
        assertThat(all).hasSize(299).doesNotHaveDuplicates().doesNotContain("user-7").contains("user-49", "user-50", "user-299");
        assertThat(asked).containsExactly("0+50", "50+100", "150+200", "350+400");
    }

    @Test
    void aSearchEndsAtItsFirstShortPageAsKeycloaksAdminConsoleDoes() {
        List<String> asked = new ArrayList<>();
        List<String> all = ids(new UserCandidates().search(query(10, asked), 2000), Integer.MAX_VALUE);
        assertThat(all).hasSize(10);
        assertThat(asked).containsExactly("0+50");
    }

    @Test
    void aLongScanTakesAFewGrowingQueries() {
        List<String> asked = new ArrayList<>();
        UserCandidates candidates = new UserCandidates().query(query(5000, asked), 2000);
        assertThat(ids(candidates, Integer.MAX_VALUE)).hasSize(2000);
        assertThat(asked).containsExactly("0+50", "50+100", "150+200", "350+400", "750+500", "1250+500", "1750+250");
    }
}
