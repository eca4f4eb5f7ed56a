package one.derailed.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Supplier;
import one.derailed.gateway.store.Authentication.Authenticated;
import one.derailed.gateway.store.testing.AcrossDatabases;
import one.derailed.gateway.store.testing.TestData;

class DemoDataTest {

    @AcrossDatabases
    void seedsOnceAndOnlyOnce(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            List<UserRecord> users = DemoData.seedIfEmpty(database.dataSource());
            TestData data = TestData.of(database);
            long[] counts = counts(data);

            assertThat(users).extracting(UserRecord::username).containsExactly("ada", "linus", "grace", "ken");
            assertThat(DemoData.seedIfEmpty(database.dataSource())).isEmpty();
            assertThat(counts(data)).isEqualTo(counts);
        }
    }

    @AcrossDatabases
    void seedsNothingWhenThereAreUsers(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            data.createUser("someone");

            assertThat(DemoData.seedIfEmpty(database.dataSource())).isEmpty();
            assertThat(data.queryLong("SELECT COUNT(*) FROM users")).isEqualTo(1);
            assertThat(data.queryLong("SELECT COUNT(*) FROM guilds")).isZero();
        }
    }

    @AcrossDatabases
    void seedsTheDemoWorld(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            List<UserRecord> users = DemoData.seedIfEmpty(database.dataSource());
            GatewayStore store = database.store();
            UserRecord ada = users.get(0);
            UserRecord linus = users.get(1);
            UserRecord grace = users.get(2);
            UserRecord ken = users.get(3);

            assertThat(users).allSatisfy(user -> {
                assertThat(store.findUser(user.id())).hasValue(user);
                assertThat(store.authenticate(store.issueToken(user.id()).orElseThrow()))
                        .isEqualTo(new Authenticated(user));
            });
            assertThat(TestData.of(database).queryLong("SELECT COUNT(DISTINCT password) FROM users")).isEqualTo(4);
            assertThat(users).extracting(user -> store.statusOf(user.id()))
                    .containsExactly("online", "idle", "online", "invisible");

            List<MemberRecord> hqMembers = store.membershipsOf(grace.id());
            assertThat(hqMembers).hasSize(1);
            long hq = hqMembers.get(0).guildId();
            assertThat(hqMembers.get(0).nick()).isEqualTo("Amazing Grace");
            assertThat(store.membershipsOf(ken.id())).hasSize(2);
            assertThat(store.membershipsOf(linus.id())).hasSize(2);
            assertThat(store.membershipsOf(ada.id())).extracting(MemberRecord::guildId).containsExactly(hq);

            GuildSnapshot snapshot = store.loadGuild(hq).orElseThrow();
            assertThat(snapshot.guild().name()).isEqualTo("Derailed HQ");
            assertThat(snapshot.guild().ownerId()).isEqualTo(ada.id());
            assertThat(snapshot.memberCount()).isEqualTo(4);
            assertThat(snapshot.roles()).extracting(RoleRecord::name).containsExactly("@everyone", "moderator");
            assertThat(snapshot.roles().get(0).id()).isEqualTo(hq);
            assertThat(hqMembers.get(0).roleIds()).containsExactly(snapshot.roles().get(1).id());
            assertChannels(snapshot);

            long side = store.membershipsOf(ken.id()).stream().mapToLong(MemberRecord::guildId)
                    .filter(id -> id != hq).findFirst().orElseThrow();
            GuildSnapshot sideSnapshot = store.loadGuild(side).orElseThrow();
            assertThat(sideSnapshot.guild().name()).isEqualTo("Side Project");
            assertThat(sideSnapshot.memberCount()).isEqualTo(2);
            assertThat(sideSnapshot.roles().get(0).id()).isEqualTo(side);
            assertThat(store.findMember(side, ken.id()).orElseThrow().roleIds())
                    .containsExactly(sideSnapshot.roles().get(1).id());
            assertChannels(sideSnapshot);
        }
    }

    private static void assertChannels(GuildSnapshot snapshot) {
        List<ChannelRecord> channels = snapshot.channels();
        assertThat(channels).extracting(ChannelRecord::type).containsExactly(4, 0, 0, 2);
        long category = channels.get(0).id();
        assertThat(channels.get(0).parentId()).isNull();
        assertThat(channels.subList(1, 4)).allSatisfy(channel -> assertThat(channel.parentId()).isEqualTo(category));
        assertThat(channels).allSatisfy(channel -> assertThat(channel.guildId()).isEqualTo(snapshot.guild().id()));
    }

    private static long[] counts(TestData data) {
        String[] tables = {"users", "settings", "guilds", "roles", "members", "member_roles", "channels"};
        long[] counts = new long[tables.length];
        for (int i = 0; i < tables.length; i++) {
            counts[i] = data.queryLong("SELECT COUNT(*) FROM " + tables[i]);
        }
        return counts;
    }
}
