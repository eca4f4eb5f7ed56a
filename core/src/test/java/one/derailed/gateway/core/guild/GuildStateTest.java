package one.derailed.gateway.core.guild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.protocol.Json;
import one.derailed.gateway.store.GuildRecord;
import one.derailed.gateway.store.GuildSnapshot;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;

/** GuildState on its own: no actors, relays are stand-ins compared by name (as remote refs compare by path). */
class GuildStateTest {
    private static final long GUILD = 1000;
    private static final Presence ONLINE = new Presence("online", "[]", Presence.Platform.desktop);
    private static final Presence INVISIBLE = new Presence("invisible", "[]", Presence.Platform.web);

    private final ActorRef<RelayProtocol.Command> nodeA = new FakeRelay("a");
    private final ActorRef<RelayProtocol.Command> nodeB = new FakeRelay("b");
    private final GuildState state = new GuildState(GUILD);

    /** A relay stand-in: equal to any other with the same name, as two deserialized refs of one relay are. */
    static final class FakeRelay implements ActorRef<RelayProtocol.Command> {
        final String name;

        FakeRelay(String name) {
            this.name = name;
        }

        @Override
        public void tell(RelayProtocol.Command message) {
            throw new UnsupportedOperationException("GuildState never sends");
        }

        @Override
        @SuppressWarnings("unchecked")
        public <U extends RelayProtocol.Command> ActorRef<U> narrow() {
            return (ActorRef<U>) this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <U> ActorRef<U> unsafeUpcast() {
            return (ActorRef<U>) this;
        }

        @Override
        public ActorPath path() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int compareTo(ActorRef<?> other) {
            return name.compareTo(((FakeRelay) other).name);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof FakeRelay relay && relay.name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }

        @Override
        public String toString() {
            return "relay " + name;
        }
    }

    private static byte[] member(long userId) {
        return ("{\"user\":{\"id\":\"" + userId + "\"}}").getBytes();
    }

    private static Presence presence(String status, String activities, Presence.Platform platform) {
        // As deserialized: equal strings, distinct objects.
        return new Presence(new String(status), new String(activities), platform);
    }

    private static JsonNode json(byte[] bytes) throws Exception {
        return Json.MAPPER.readTree(bytes);
    }

    private boolean subscribe(ActorRef<RelayProtocol.Command> relay, long session, long userId, int intents,
                              Presence presence) {
        return state.subscribe(relay, session, userId, intents, member(userId), presence);
    }

    private static Map<ActorRef<RelayProtocol.Command>, List<Long>> sorted(Map<ActorRef<RelayProtocol.Command>, long[]> targets) {
        Map<ActorRef<RelayProtocol.Command>, List<Long>> out = new HashMap<>();
        targets.forEach((relay, sessions) -> out.put(relay, Arrays.stream(sessions).sorted().boxed().toList()));
        return out;
    }

    @Test
    void aUsersFirstSessionBringsThemOnlineAndTheLastTakesThemOffline() {
        assertThat(subscribe(nodeA, 1, 10, Intents.ALL, ONLINE)).isTrue();
        assertThat(state.onlineCount()).isEqualTo(1);
        assertThat(state.subscriberCount()).isEqualTo(1);
        assertThat(state.isVisiblyOnline(10)).isTrue();

        assertThat(subscribe(nodeB, 2, 10, Intents.ALL, ONLINE)).isFalse();
        assertThat(subscribe(nodeA, 3, 10, Intents.ALL, ONLINE)).isFalse();
        assertThat(state.onlineCount()).isEqualTo(1);
        assertThat(state.subscriberCount()).isEqualTo(3);

        assertThat(state.unsubscribe(nodeA, 1, 10)).isFalse();
        assertThat(state.unsubscribe(nodeB, 2, 10)).isFalse();
        assertThat(state.isVisiblyOnline(10)).isTrue();
        assertThat(state.unsubscribe(nodeA, 3, 10)).isTrue();
        assertThat(state.onlineCount()).isZero();
        assertThat(state.subscriberCount()).isZero();
        assertThat(state.isVisiblyOnline(10)).isFalse();
        assertThat(state.allSessions()).isEmpty();
    }

    @Test
    void unsubscribingWhatIsNotSubscribedChangesNothing() {
        subscribe(nodeA, 1, 10, Intents.ALL, ONLINE);
        assertThat(state.unsubscribe(nodeA, 2, 10)).isFalse();
        assertThat(state.unsubscribe(nodeB, 1, 10)).isFalse();
        assertThat(state.subscriberCount()).isEqualTo(1);
        assertThat(state.onlineCount()).isEqualTo(1);
    }

    @Test
    void subscribingTheSameSessionAgainReplacesItsIntentsAndPresence() throws Exception {
        subscribe(nodeA, 1, 10, Intents.GUILDS, ONLINE);
        assertThat(subscribe(nodeA, 1, 10, Intents.ALL, presence("dnd", "[]", Presence.Platform.mobile))).isFalse();
        assertThat(state.subscriberCount()).isEqualTo(1);
        assertThat(sorted(state.targets(Intents.GUILD_MESSAGES, 0))).containsExactly(Map.entry(nodeA, List.of(1L)));
        JsonNode presence = json(state.presenceUpdate(10));
        assertThat(presence.get("status").asText()).isEqualTo("dnd");
        assertThat(presence.get("client_status").toString()).isEqualTo("{\"mobile\":\"dnd\"}");
    }

    @Test
    void relaysThatAreEqualButNotTheSameInstanceAreOneNode() {
        ActorRef<RelayProtocol.Command> again = new FakeRelay("a");
        subscribe(nodeA, 1, 10, Intents.ALL, ONLINE);
        subscribe(again, 2, 11, Intents.ALL, ONLINE);
        Map<ActorRef<RelayProtocol.Command>, long[]> targets = state.allSessions();
        assertThat(targets).hasSize(1);
        assertThat(targets.keySet().iterator().next()).isSameAs(nodeA);
        assertThat(state.unsubscribe(again, 1, 10)).isTrue();
        assertThat(state.sessionsOf(11)).containsOnlyKeys(nodeA);
        assertThat(state.sessionsOf(11).keySet().iterator().next()).isSameAs(nodeA);
    }

    @Test
    void severalSessionsShowTheLatestStatusOnEveryPlatformTheyUse() throws Exception {
        subscribe(nodeA, 1, 10, Intents.ALL, presence("online", "[]", Presence.Platform.desktop));
        subscribe(nodeA, 2, 10, Intents.ALL, presence("idle", "[]", Presence.Platform.mobile));
        JsonNode both = json(state.presenceUpdate(10));
        assertThat(both.get("status").asText()).isEqualTo("idle");
        assertThat(both.get("client_status").toString()).isEqualTo("{\"desktop\":\"idle\",\"mobile\":\"idle\"}");

        // op 3 from the first session: its presence becomes the latest.
        String activities = "[{\"name\":\"chess\",\"type\":0}]";
        assertThat(state.updatePresence(nodeA, 1, 10, presence("dnd", activities, Presence.Platform.desktop))).isTrue();
        JsonNode updated = json(state.presenceUpdate(10));
        assertThat(updated.get("status").asText()).isEqualTo("dnd");
        assertThat(updated.get("activities").toString()).isEqualTo(activities);

        // The mobile session leaves: the desktop one is what is left.
        assertThat(state.unsubscribe(nodeA, 2, 10)).isFalse();
        JsonNode left = json(state.presenceUpdate(10));
        assertThat(left.get("status").asText()).isEqualTo("dnd");
        assertThat(left.get("client_status").toString()).isEqualTo("{\"desktop\":\"dnd\"}");
        assertThat(state.updatePresence(nodeA, 2, 10, ONLINE)).isFalse();
        assertThat(state.updatePresence(nodeA, 1, 99, ONLINE)).isFalse();
    }

    @Test
    void afterTheNewestSessionLeavesTheNewestRemainingOnesPresenceCounts() throws Exception {
        subscribe(nodeA, 1, 10, Intents.ALL, presence("online", "[]", Presence.Platform.desktop));
        subscribe(nodeB, 2, 10, Intents.ALL, presence("idle", "[]", Presence.Platform.web));
        subscribe(nodeA, 3, 10, Intents.ALL, presence("dnd", "[]", Presence.Platform.mobile));
        state.unsubscribe(nodeA, 3, 10);
        assertThat(json(state.presenceUpdate(10)).get("status").asText()).isEqualTo("idle");
        state.unsubscribe(nodeB, 2, 10);
        assertThat(json(state.presenceUpdate(10)).get("status").asText()).isEqualTo("online");
        assertThat(state.unsubscribe(nodeA, 1, 10)).isTrue();
        assertThat(json(state.presenceUpdate(10)).get("status").asText()).isEqualTo("offline");
    }

    @Test
    void invisibleUsersLookOfflineToOthersButNotToThemselves() throws Exception {
        subscribe(nodeA, 1, 10, Intents.ALL, presence("invisible", "[{\"name\":\"x\"}]", Presence.Platform.web));
        subscribe(nodeA, 2, 11, Intents.ALL, ONLINE);
        assertThat(state.onlineCount()).isEqualTo(2);
        assertThat(state.isVisiblyOnline(10)).isFalse();
        assertThat(new String(state.presenceUpdate(10))).isEqualTo("{\"user\":{\"id\":\"10\"},\"guild_id\":\"1000\","
                + "\"status\":\"offline\",\"activities\":[],\"client_status\":{}}");
        assertThat(new String(state.presenceAsSelf(10))).isEqualTo("{\"user\":{\"id\":\"10\"},\"guild_id\":\"1000\","
                + "\"status\":\"invisible\",\"activities\":[{\"name\":\"x\"}],\"client_status\":{\"web\":\"invisible\"}}");
        assertThat(state.visiblePresences(new long[] {10, 11, 12})).hasSize(1);
        assertThat(json(state.visiblePresences(new long[] {10, 11, 12}).get(0)).at("/user/id").asText())
                .isEqualTo("11");

        state.updatePresence(nodeA, 1, 10, presence("online", "[]", Presence.Platform.web));
        assertThat(state.isVisiblyOnline(10)).isTrue();
        assertThat(state.visiblePresences(new long[] {10, 11})).hasSize(2);
    }

    @Test
    void offlineUsersPresenceIsOffline() {
        assertThat(new String(state.presenceUpdate(5))).isEqualTo("{\"user\":{\"id\":\"5\"},\"guild_id\":\"1000\","
                + "\"status\":\"offline\",\"activities\":[],\"client_status\":{}}");
        assertThat(new String(state.presenceAsSelf(5))).contains("\"status\":\"offline\"");
    }

    @Test
    void targetsAreTheSessionsWhoseIntentsAllowTheEventPerNodeLessTheExcludedUser() {
        subscribe(nodeA, 1, 10, Intents.ALL, ONLINE);
        subscribe(nodeA, 2, 11, Intents.GUILDS, ONLINE);
        subscribe(nodeA, 3, 12, Intents.GUILDS | Intents.GUILD_PRESENCES, ONLINE);
        subscribe(nodeB, 4, 10, Intents.GUILD_PRESENCES, ONLINE);
        subscribe(nodeB, 5, 13, Intents.GUILDS, ONLINE);

        assertThat(sorted(state.targets(Intents.GUILD_PRESENCES, 0))).containsOnly(
                Map.entry(nodeA, List.of(1L, 3L)), Map.entry(nodeB, List.of(4L)));
        assertThat(sorted(state.targets(Intents.GUILD_PRESENCES, 10))).containsOnly(
                Map.entry(nodeA, List.of(3L)));
        assertThat(sorted(state.targets(Intents.GUILD_MESSAGES, 0))).containsOnly(Map.entry(nodeA, List.of(1L)));
        assertThat(sorted(state.targets(Intents.NONE, 0))).containsOnly(
                Map.entry(nodeA, List.of(1L, 2L, 3L)), Map.entry(nodeB, List.of(4L, 5L)));
        assertThat(sorted(state.allSessions())).isEqualTo(sorted(state.targets(Intents.NONE, 0)));
        assertThat(state.targets(Intents.GUILD_MEMBERS, 10)).isEmpty();

        // Removing from the middle of a node's arrays keeps the others reachable.
        state.unsubscribe(nodeA, 1, 10);
        assertThat(sorted(state.targets(Intents.GUILDS, 0))).containsOnly(
                Map.entry(nodeA, List.of(2L, 3L)), Map.entry(nodeB, List.of(5L)));
        state.unsubscribe(nodeB, 4, 10);
        state.unsubscribe(nodeB, 5, 13);
        assertThat(state.allSessions()).containsOnlyKeys(nodeA);
    }

    @Test
    void messageTargetsSplitByWhoSeesTheContent() {
        int reader = Intents.GUILDS | Intents.GUILD_MESSAGES;
        subscribe(nodeA, 1, 10, reader | Intents.MESSAGE_CONTENT, ONLINE);
        subscribe(nodeA, 2, 11, reader, ONLINE);
        subscribe(nodeA, 3, 12, reader, ONLINE);
        subscribe(nodeA, 4, 13, Intents.GUILDS, ONLINE);
        subscribe(nodeB, 5, 14, reader, ONLINE);
        subscribe(nodeB, 6, 15, Intents.GUILDS | Intents.MESSAGE_CONTENT, ONLINE);

        LongPredicate author12 = userId -> userId == 12;
        Map<ActorRef<RelayProtocol.Command>, GuildState.ContentSplit> split =
                state.targetsByContent(Intents.GUILD_MESSAGES, author12);
        assertThat(split).containsOnlyKeys(nodeA, nodeB);
        assertThat(split.get(nodeA).full()).containsExactlyInAnyOrder(1L, 3L);
        assertThat(split.get(nodeA).stripped()).containsExactly(2L);
        assertThat(split.get(nodeB).full()).isEmpty();
        assertThat(split.get(nodeB).stripped()).containsExactly(5L);

        state.unsubscribe(nodeB, 5, 14);
        assertThat(state.targetsByContent(Intents.GUILD_MESSAGES, author12)).containsOnlyKeys(nodeA);
        assertThat(state.targetsByContent(Intents.GUILD_MESSAGES, userId -> true).get(nodeA).stripped()).isEmpty();
    }

    @Test
    void sessionsOfAUserAreGroupedByNodeInTheOrderTheySubscribed() {
        subscribe(nodeA, 7, 10, Intents.ALL, ONLINE);
        subscribe(nodeB, 8, 10, Intents.ALL, ONLINE);
        subscribe(nodeA, 3, 10, Intents.GUILDS, INVISIBLE);
        subscribe(nodeA, 4, 11, Intents.ALL, ONLINE);
        Map<ActorRef<RelayProtocol.Command>, long[]> sessions = state.sessionsOf(10);
        assertThat(sessions).containsOnlyKeys(nodeA, nodeB);
        assertThat(sessions.get(nodeA)).containsExactly(7L, 3L);
        assertThat(sessions.get(nodeB)).containsExactly(8L);
        assertThat(state.sessionsOf(12)).isEmpty();
    }

    @Test
    void removingAUserDropsEveryOneOfTheirSessions() {
        subscribe(nodeA, 1, 10, Intents.ALL, ONLINE);
        subscribe(nodeB, 2, 10, Intents.ALL, ONLINE);
        subscribe(nodeA, 3, 11, Intents.ALL, ONLINE);
        subscribe(nodeA, 4, 10, Intents.ALL, ONLINE);

        Map<ActorRef<RelayProtocol.Command>, long[]> removed = state.removeUser(10);
        assertThat(sorted(removed)).containsOnly(Map.entry(nodeA, List.of(1L, 4L)), Map.entry(nodeB, List.of(2L)));
        assertThat(state.onlineCount()).isEqualTo(1);
        assertThat(state.subscriberCount()).isEqualTo(1);
        assertThat(sorted(state.allSessions())).containsOnly(Map.entry(nodeA, List.of(3L)));
        assertThat(state.isVisiblyOnline(10)).isFalse();
        assertThat(state.removeUser(10)).isEmpty();
        assertThat(state.unsubscribe(nodeA, 1, 10)).isFalse();
        assertThat(state.subscriberCount()).isEqualTo(1);
    }

    @Test
    void updatingAMemberReplacesTheMemberObjectOfOnlineUsersOnly() throws Exception {
        GuildDocument document = document(5);
        subscribe(nodeA, 1, 10, Intents.ALL, ONLINE);
        assertThat(state.updateMember(10, "{\"nick\":\"ada\",\"user\":{\"id\":\"10\"}}".getBytes())).isTrue();
        assertThat(state.updateMember(11, "{}".getBytes())).isFalse();
        JsonNode guildCreate = json(state.guildCreateFor(document, 10, Intents.ALL, 50, null));
        assertThat(guildCreate.get("members").get(0).get("nick").asText()).isEqualTo("ada");
        assertThat(state.onlineCount()).isEqualTo(1);
    }

    @Test
    void guildCreateCarriesEveryOnlineMemberAndTheVisiblePresences() throws Exception {
        GuildDocument document = document(120);
        subscribe(nodeA, 1, 10, Intents.ALL, ONLINE);
        subscribe(nodeA, 2, 11, Intents.ALL, presence("invisible", "[]", Presence.Platform.desktop));
        subscribe(nodeB, 3, 12, Intents.GUILDS, presence("idle", "[]", Presence.Platform.mobile));
        subscribe(nodeB, 4, 12, Intents.GUILDS, presence("idle", "[]", Presence.Platform.web));

        JsonNode forInvisible = json(state.guildCreateFor(document, 11, Intents.ALL, 50, "2026-01-01T00:00:00Z"));
        assertThat(forInvisible.get("id").asText()).isEqualTo(Long.toString(GUILD));
        assertThat(forInvisible.get("name").asText()).isEqualTo("HQ");
        assertThat(forInvisible.get("member_count").asLong()).isEqualTo(120);
        assertThat(forInvisible.get("large").asBoolean()).isTrue();
        assertThat(forInvisible.get("joined_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(forInvisible.get("unavailable").asBoolean()).isFalse();
        assertThat(ids(forInvisible.get("members"))).containsExactlyInAnyOrder("10", "11", "12");
        assertThat(ids(forInvisible.get("members")).get(0)).isEqualTo("11"); // the receiver first
        // The receiver sees themselves as they are; other invisible users would not be listed.
        Map<String, String> statuses = statuses(forInvisible.get("presences"));
        assertThat(statuses).containsOnly(Map.entry("10", "online"), Map.entry("11", "invisible"),
                Map.entry("12", "idle"));
        JsonNode idle = StreamSupport.stream(forInvisible.get("presences").spliterator(), false)
                .filter(p -> p.at("/user/id").asText().equals("12")).findFirst().orElseThrow();
        assertThat(idle.get("client_status").toString()).isEqualTo("{\"mobile\":\"idle\",\"web\":\"idle\"}");

        JsonNode forOnline = json(state.guildCreateFor(document, 10, Intents.ALL, 500, null));
        assertThat(forOnline.get("large").asBoolean()).isFalse();
        assertThat(forOnline.get("joined_at").isNull()).isTrue();
        assertThat(statuses(forOnline.get("presences"))).containsOnly(Map.entry("10", "online"),
                Map.entry("12", "idle"));

        // Without GUILD_PRESENCES: only the receiver's own member, no presences.
        JsonNode withoutPresences = json(state.guildCreateFor(document, 12, Intents.GUILDS, 50, null));
        assertThat(ids(withoutPresences.get("members"))).containsExactly("12");
        assertThat(withoutPresences.get("presences").size()).isZero();

        // A receiver not online here (yet) gets the others.
        JsonNode stranger = json(state.guildCreateFor(document, 99, Intents.ALL, 50, null));
        assertThat(ids(stranger.get("members"))).containsExactlyInAnyOrder("10", "11", "12");
        assertThat(json(state.guildCreateFor(document, 99, Intents.GUILDS, 50, null)).get("members").size())
                .isZero();
    }

    @Test
    void usualPresencesAreKeptAsSharedInstances() {
        Presence first = CanonicalPresences.of(presence("online", "[]", Presence.Platform.desktop));
        Presence second = CanonicalPresences.of(presence("online", "[]", Presence.Platform.desktop));
        assertThat(first).isSameAs(second).isEqualTo(ONLINE);
        assertThat(CanonicalPresences.of(presence("idle", "[]", Presence.Platform.mobile)))
                .isSameAs(CanonicalPresences.of(new Presence("idle", "[]", Presence.Platform.mobile)));
        Presence playing = CanonicalPresences.of(presence("dnd", "[{\"name\":\"x\"}]", Presence.Platform.web));
        Presence playingToo = CanonicalPresences.of(presence("dnd", "[{\"name\":\"x\"}]", Presence.Platform.web));
        assertThat(playing).isEqualTo(playingToo);
        assertThat(playing.status()).isSameAs(playingToo.status());
        Presence odd = presence("away", "[]", Presence.Platform.web);
        assertThat(CanonicalPresences.of(odd)).isEqualTo(odd);
        assertThat(CanonicalPresences.of(odd).activitiesJson()).isSameAs(CanonicalPresences.EMPTY_ACTIVITIES);
        assertThat(CanonicalPresences.of(new Presence(null, null, null))).isEqualTo(new Presence(null, null, null));
    }

    @Test
    void aHundredThousandSessionsComeAndGo() {
        int n = 100_000;
        for (int i = 1; i <= n; i++) {
            subscribe(i % 2 == 0 ? nodeA : nodeB, i, 1_000_000L + i, i % 3 == 0 ? Intents.GUILDS : Intents.ALL,
                    presence("online", "[]", Presence.Platform.desktop));
        }
        assertThat(state.onlineCount()).isEqualTo(n);
        assertThat(state.subscriberCount()).isEqualTo(n);
        Map<ActorRef<RelayProtocol.Command>, long[]> targets = state.targets(Intents.GUILD_MESSAGES, 0);
        assertThat(targets.get(nodeA).length + targets.get(nodeB).length).isEqualTo(n - n / 3);
        for (int i = 1; i <= n; i += 2) {
            assertThat(state.unsubscribe(nodeB, i, 1_000_000L + i)).isTrue();
        }
        assertThat(state.allSessions()).containsOnlyKeys(nodeA);
        assertThat(state.allSessions().get(nodeA)).hasSize(n / 2);
        assertThat(state.onlineCount()).isEqualTo(n / 2);
    }

    private static GuildDocument document(long memberCount) {
        return new GuildDocument(new GuildSnapshot(new GuildRecord(GUILD, "HQ", null, 10, 0, 0), List.of(), List.of(),
                memberCount));
    }

    private static List<String> ids(JsonNode members) {
        List<String> ids = new ArrayList<>();
        members.forEach(m -> ids.add(m.at("/user/id").asText()));
        return ids;
    }

    private static Map<String, String> statuses(JsonNode presences) {
        Map<String, String> statuses = new TreeMap<>();
        presences.forEach(p -> statuses.put(p.at("/user/id").asText(), p.get("status").asText()));
        return statuses;
    }

    // ---- The compact state against the first, HashMap-based one, under random operations ----

    private static final List<ActorRef<RelayProtocol.Command>> RELAYS = List.of(new FakeRelay("a"), new FakeRelay("b"),
            new FakeRelay("c"), new FakeRelay("a")); // the last is node a again, as another instance

    sealed interface Op permits Subscribe, Unsubscribe, UpdatePresence, RemoveUser, UpdateMember {}

    record Subscribe(int relay, long session, long userId, int intents, Presence presence) implements Op {}

    record Unsubscribe(int relay, long session, long userId) implements Op {}

    record UpdatePresence(int relay, long session, long userId, Presence presence) implements Op {}

    record RemoveUser(long userId) implements Op {}

    record UpdateMember(long userId, String nick) implements Op {}

    private static final int[] INTENT_CHOICES = {Intents.ALL, Intents.GUILDS, Intents.GUILDS | Intents.GUILD_PRESENCES,
            Intents.GUILDS | Intents.GUILD_MESSAGES, Intents.GUILDS | Intents.GUILD_MESSAGES | Intents.MESSAGE_CONTENT,
            Intents.NONE};

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> relay = Arbitraries.integers().between(0, RELAYS.size() - 1);
        // Mostly each session number belongs to one user (session % 7), sometimes to any user, which the first
        // implementation also allowed.
        Arbitrary<Long> session = Arbitraries.longs().between(0, 20);
        Arbitrary<Long> anyUser = Arbitraries.longs().between(0, 7);
        Arbitrary<Presence> presence = Combinators.combine(
                Arbitraries.of("online", "idle", "dnd", "invisible", "offline", "away"),
                Arbitraries.of("[]", "[{\"name\":\"chess\"}]"),
                Arbitraries.of(Presence.Platform.class)).as(GuildStateTest::presence);
        Arbitrary<Integer> intents = Arbitraries.of(0, 1, 2, 3, 4, 5).map(i -> INTENT_CHOICES[i]);
        Arbitrary<Op> subscribe = Combinators.combine(relay, session, Arbitraries.integers().between(0, 9), anyUser,
                intents, presence).as((r, s, mode, u, i, p) -> new Subscribe(r, s, mode == 0 ? u : s % 7, i, p));
        Arbitrary<Op> unsubscribe = Combinators.combine(relay, session, Arbitraries.integers().between(0, 9), anyUser)
                .as((r, s, mode, u) -> new Unsubscribe(r, s, mode == 0 ? u : s % 7));
        Arbitrary<Op> update = Combinators.combine(relay, session, presence)
                .as((r, s, p) -> new UpdatePresence(r, s, s % 7, p));
        Arbitrary<Op> remove = anyUser.map(RemoveUser::new);
        Arbitrary<Op> member = Combinators.combine(anyUser, Arbitraries.strings().alpha().ofMaxLength(3))
                .as(UpdateMember::new);
        return Arbitraries.frequencyOf(Tuple.of(8, subscribe), Tuple.of(6, unsubscribe), Tuple.of(3, update),
                Tuple.of(1, remove), Tuple.of(1, member)).list().ofMaxSize(120);
    }

    @Property(tries = 200)
    void behavesExactlyLikeTheHashMapModel(@ForAll("operations") List<Op> ops) throws Exception {
        GuildState compact = new GuildState(GUILD);
        ReferenceGuildState model = new ReferenceGuildState(GUILD);
        GuildDocument document = document(42);
        for (Op op : ops) {
            switch (op) {
                case Subscribe s -> {
                    byte[] member = member(s.userId());
                    assertThat(compact.subscribe(RELAYS.get(s.relay()), s.session(), s.userId(), s.intents(), member,
                            s.presence())).as("%s", op).isEqualTo(model.subscribe(RELAYS.get(s.relay()), s.session(),
                            s.userId(), s.intents(), member, s.presence()));
                }
                case Unsubscribe u -> assertThat(compact.unsubscribe(RELAYS.get(u.relay()), u.session(), u.userId()))
                        .as("%s", op).isEqualTo(model.unsubscribe(RELAYS.get(u.relay()), u.session(), u.userId()));
                case UpdatePresence u -> assertThat(compact.updatePresence(RELAYS.get(u.relay()), u.session(),
                        u.userId(), u.presence())).as("%s", op).isEqualTo(model.updatePresence(RELAYS.get(u.relay()),
                        u.session(), u.userId(), u.presence()));
                case RemoveUser r -> assertThat(sorted(compact.removeUser(r.userId()))).as("%s", op)
                        .isEqualTo(sorted(model.removeUser(r.userId())));
                case UpdateMember m -> {
                    byte[] member = ("{\"nick\":\"" + m.nick() + "\",\"user\":{\"id\":\"" + m.userId() + "\"}}")
                            .getBytes();
                    assertThat(compact.updateMember(m.userId(), member)).isEqualTo(model.updateMember(m.userId(),
                            member));
                }
            }
            assertSameObservableState(compact, model);
        }
        assertSameGuildCreate(compact, model, document);
    }

    private static void assertSameObservableState(GuildState compact, ReferenceGuildState model) {
        assertThat(compact.onlineCount()).isEqualTo(model.onlineCount());
        assertThat(compact.subscriberCount()).isEqualTo(model.subscriberCount());
        for (int intent : new int[] {Intents.NONE, Intents.GUILD_PRESENCES, Intents.GUILD_MESSAGES}) {
            for (long excluded = 0; excluded < 8; excluded += 3) {
                assertThat(sorted(compact.targets(intent, excluded)))
                        .isEqualTo(sorted(model.targets(intent, excluded)));
            }
        }
        assertThat(sorted(compact.allSessions())).isEqualTo(sorted(model.allSessions()));
        LongPredicate even = userId -> userId % 2 == 0;
        assertThat(splits(compact.targetsByContent(Intents.GUILD_MESSAGES, even)))
                .isEqualTo(referenceSplits(model.targetsByContent(Intents.GUILD_MESSAGES, even)));
        long[] everyone = {0, 1, 2, 3, 4, 5, 6, 7};
        for (long userId : everyone) {
            assertThat(compact.isVisiblyOnline(userId)).isEqualTo(model.isVisiblyOnline(userId));
            assertThat(new String(compact.presenceUpdate(userId))).isEqualTo(new String(model.presenceUpdate(userId)));
            assertThat(new String(compact.presenceAsSelf(userId))).isEqualTo(new String(model.presenceAsSelf(userId)));
            Map<ActorRef<RelayProtocol.Command>, List<Long>> sessions = new HashMap<>();
            compact.sessionsOf(userId).forEach((r, s) -> sessions.put(r, Arrays.stream(s).boxed().toList()));
            Map<ActorRef<RelayProtocol.Command>, List<Long>> expected = new HashMap<>();
            model.sessionsOf(userId).forEach((r, s) -> expected.put(r, Arrays.stream(s).boxed().toList()));
            assertThat(sessions).isEqualTo(expected);
        }
        assertThat(strings(compact.visiblePresences(everyone)))
                .containsExactlyInAnyOrderElementsOf(strings(model.visiblePresences(everyone)));
    }

    private static void assertSameGuildCreate(GuildState compact, ReferenceGuildState model, GuildDocument document)
            throws Exception {
        for (int intents : new int[] {Intents.ALL, Intents.GUILDS}) {
            JsonNode ours = json(compact.guildCreateFor(document, 3, intents, 50, null));
            JsonNode theirs = json(model.guildCreateFor(document, 3, intents, 50, null));
            assertThat(unordered(ours)).isEqualTo(unordered(theirs));
            if (!model.sessionsOf(3).isEmpty()) { // the receiver, when online, comes first
                assertThat(ours.get("members").get(0)).isEqualTo(theirs.get("members").get(0));
            }
        }
    }

    private static List<String> strings(List<byte[]> items) {
        return items.stream().map(String::new).toList();
    }

    /** A GUILD_CREATE with its members and presences as sorted lists, since their order is not part of it. */
    private static Map<String, Object> unordered(JsonNode guildCreate) {
        Map<String, Object> fields = new TreeMap<>();
        guildCreate.properties().forEach(field -> fields.put(field.getKey(),
                field.getKey().equals("members") || field.getKey().equals("presences")
                        ? StreamSupport.stream(field.getValue().spliterator(), false).map(JsonNode::toString).sorted()
                        .toList()
                        : field.getValue()));
        return fields;
    }

    private static Map<ActorRef<RelayProtocol.Command>, List<List<Long>>> splits(
            Map<ActorRef<RelayProtocol.Command>, GuildState.ContentSplit> splits) {
        return splits.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(
                Arrays.stream(e.getValue().full()).sorted().boxed().toList(),
                Arrays.stream(e.getValue().stripped()).sorted().boxed().toList())));
    }

    private static Map<ActorRef<RelayProtocol.Command>, List<List<Long>>> referenceSplits(
            Map<ActorRef<RelayProtocol.Command>, ReferenceGuildState.ContentSplit> splits) {
        return splits.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> List.of(
                Arrays.stream(e.getValue().full()).sorted().boxed().toList(),
                Arrays.stream(e.getValue().stripped()).sorted().boxed().toList())));
    }
}
