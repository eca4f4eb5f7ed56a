package one.derailed.gateway.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import one.derailed.gateway.core.session.MemberRequestRules.Decision;
import one.derailed.gateway.core.session.MemberRequestRules.Lookup;
import one.derailed.gateway.core.session.MemberRequestRules.NotInGuild;
import one.derailed.gateway.core.session.MemberRequestRules.Refuse;
import one.derailed.gateway.core.session.MemberRequestRules.WholeList;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.Intents;
import org.junit.jupiter.api.Test;

/** Discord's rules for op 8, one request at a time. */
class MemberRequestRulesTest {
    private static final int WITHOUT_PRIVILEGED = Intents.GUILDS | Intents.GUILD_MESSAGES;
    private static final int MEMBERS = WITHOUT_PRIVILEGED | Intents.GUILD_MEMBERS;
    private static final int EVERYTHING = MEMBERS | Intents.GUILD_PRESENCES;

    private static ClientPayload.RequestGuildMembers query(String query, int limit, boolean presences) {
        return new ClientPayload.RequestGuildMembers(1, query, null, limit, presences, null);
    }

    private static Decision decide(ClientPayload.RequestGuildMembers request, int intents) {
        return MemberRequestRules.decide(request, intents, true);
    }

    @Test
    void anEmptyQueryNeedsGuildMembersWhateverItsLimit() {
        for (int limit : new int[] {0, 1, 100, Integer.MAX_VALUE}) {
            assertThat(decide(query("", limit, false), WITHOUT_PRIVILEGED)).as("limit %d", limit)
                    .isInstanceOfSatisfying(Refuse.class, refuse -> {
                        assertThat(refuse.code()).isEqualTo(CloseCode.INVALID_INTENTS);
                        assertThat(refuse.reason()).contains("GUILD_MEMBERS");
                    });
            assertThat(MemberRequestRules.decide(query("", limit, false), WITHOUT_PRIVILEGED, false))
                    .as("not in the guild either").isInstanceOf(Refuse.class);
        }
        assertThat(decide(query("", 0, false), MEMBERS)).isEqualTo(new WholeList(0, false));
        assertThat(decide(query("", 2500, false), MEMBERS)).isEqualTo(new WholeList(2500, false));
    }

    @Test
    void aQueryReturnsAtMostAHundredMembers() {
        assertThat(decide(query("al", 0, false), WITHOUT_PRIVILEGED)).isEqualTo(new Lookup("al", null, 100, false));
        assertThat(decide(query("al", 10, false), WITHOUT_PRIVILEGED)).isEqualTo(new Lookup("al", null, 10, false));
        assertThat(decide(query("al", 101, false), WITHOUT_PRIVILEGED)).isEqualTo(new Lookup("al", null, 100, false));
        assertThat(decide(query("al", Integer.MAX_VALUE, false), EVERYTHING))
                .isEqualTo(new Lookup("al", null, 100, false));
    }

    @Test
    void presencesWithoutGuildPresencesAreAsIfFalse() {
        assertThat(decide(query("al", 5, true), MEMBERS)).isEqualTo(new Lookup("al", null, 5, false));
        assertThat(decide(query("al", 5, true), EVERYTHING)).isEqualTo(new Lookup("al", null, 5, true));
        assertThat(decide(query("", 0, true), MEMBERS)).isEqualTo(new WholeList(0, false));
    }

    @Test
    void idsAreLookedUpWhateverTheLimitSays() {
        long[] ids = {3, 4};
        Decision byIds = decide(new ClientPayload.RequestGuildMembers(1, null, ids, 0, true, "n"), EVERYTHING);
        assertThat(byIds).isInstanceOfSatisfying(Lookup.class, lookup -> {
            assertThat(lookup.userIds()).containsExactly(3, 4);
            assertThat(lookup.limit()).isEqualTo(2);
            assertThat(lookup.presences()).isTrue();
        });
    }

    @Test
    void aGuildTheSessionIsNotInGetsAnEmptyAnswer() {
        assertThat(MemberRequestRules.decide(query("al", 5, false), EVERYTHING, false)).isEqualTo(new NotInGuild());
    }
}
