package one.derailed.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import one.derailed.gateway.store.Authentication.Authenticated;
import one.derailed.gateway.store.Authentication.Rejected;
import one.derailed.gateway.store.testing.AcrossDatabases;
import one.derailed.gateway.store.testing.TestData;

class GatewayStoreTest {

    @AcrossDatabases
    void authenticatesAGoodToken(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");

            Authentication result = database.store().authenticate(data.tokenFor(ada));

            assertThat(result).isInstanceOfSatisfying(Authenticated.class, authenticated -> {
                assertThat(authenticated.user().id()).isEqualTo(ada);
                assertThat(authenticated.user().username()).isEqualTo("ada");
            });
        }
    }

    @AcrossDatabases
    void authenticatesAnIssuedToken(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long linus = data.createUser("linus");

            String token = database.store().issueToken(ada).orElseThrow();

            assertThat(database.store().authenticate(token)).isEqualTo(
                    new Authenticated(database.store().findUser(ada).orElseThrow()));
            assertThat(database.store().authenticate(swapUser(token, linus)))
                    .isEqualTo(new Rejected(Rejected.INVALID_SIGNATURE));
            assertThat(database.store().issueToken(Snowflakes.next())).isEmpty();
        }
    }

    @AcrossDatabases
    void rejectsAnUnknownUser(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            String token = Tokens.sign(Snowflakes.next(), "whatever", Instant.now().getEpochSecond());

            assertThat(database.store().authenticate(token)).isEqualTo(new Rejected(Rejected.UNKNOWN_USER));
        }
    }

    @AcrossDatabases
    void rejectsAForgedSignature(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            long ada = TestData.of(database).createUser("ada");
            String forged = Tokens.sign(ada, "not her password", Instant.now().getEpochSecond());

            assertThat(database.store().authenticate(forged)).isEqualTo(new Rejected(Rejected.INVALID_SIGNATURE));
        }
    }

    @AcrossDatabases
    void rejectsASuspendedUser(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            String token = data.tokenFor(ada);
            data.suspend(ada);

            assertThat(database.store().authenticate(token)).isEqualTo(new Rejected(Rejected.SUSPENDED));
        }
    }

    @AcrossDatabases
    void rejectsATokenOnceThePasswordChanged(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            String before = data.tokenFor(ada);
            data.changePassword(ada);

            assertThat(database.store().authenticate(before)).isEqualTo(new Rejected(Rejected.INVALID_SIGNATURE));
            assertThat(database.store().authenticate(data.tokenFor(ada))).isInstanceOf(Authenticated.class);
        }
    }

    @AcrossDatabases
    void rejectsGarbage(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            GatewayStore store = database.store();
            for (String garbage : new String[] {null, "", "garbage", "a.b.c", "MTQwODky.X9Iseg", "' OR 1=1 --",
                    "MTQwODky.X9Iseg.EwhCVGcAgHXvnjmahojZ4T1HLdU.x"}) {
                assertThat(store.authenticate(garbage)).as(garbage).isEqualTo(new Rejected(Rejected.MALFORMED));
            }
        }
    }

    @AcrossDatabases
    void findsUsers(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long bot = data.createBot("robot");

            assertThat(database.store().findUser(ada)).hasValue(
                    new UserRecord(ada, "ada", "0", "ada@test.example", 0, false, false, false, null, null));
            assertThat(database.store().findUser(bot).orElseThrow().bot()).isTrue();
            assertThat(database.store().findUser(bot).orElseThrow().email()).isNull();
            assertThat(database.store().findUser(Snowflakes.next())).isEmpty();
        }
    }

    @AcrossDatabases
    void readsStatusAndActivities(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long linus = data.createUser("linus");
            data.setStatus(linus, "idle");
            data.setStatus(linus, "dnd");
            Instant first = data.addActivity(linus, 0, "Kernel hacking");
            Instant second = data.addActivity(linus, 4, "Reading mail");

            assertThat(database.store().statusOf(ada)).isEqualTo("online");
            assertThat(database.store().statusOf(linus)).isEqualTo("dnd");
            assertThat(database.store().activitiesOf(ada)).isEmpty();
            assertThat(database.store().activitiesOf(linus)).containsExactly(
                    new ActivityRecord(0, first, "Kernel hacking"), new ActivityRecord(4, second, "Reading mail"));
        }
    }

    @AcrossDatabases
    void listsEveryMembershipOfAUserWithRoles(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long linus = data.createUser("linus");
            long hq = data.createGuild("HQ", ada);
            long side = data.createGuild("Side", linus);
            long elsewhere = data.createGuild("Elsewhere", linus);
            long mod = data.createRole(hq, "mod");
            long admin = data.createRole(hq, "admin");
            data.addMember(hq, ada);
            data.addMember(side, ada, "Countess");
            data.addMember(elsewhere, linus);
            data.giveRole(hq, ada, admin);
            data.giveRole(hq, ada, mod);

            List<MemberRecord> memberships = database.store().membershipsOf(ada);

            assertThat(memberships).extracting(MemberRecord::guildId).containsExactly(hq, side);
            assertThat(memberships.get(0).roleIds()).containsExactly(Math.min(mod, admin), Math.max(mod, admin));
            assertThat(memberships.get(0).nick()).isNull();
            assertThat(memberships.get(1).roleIds()).isEmpty();
            assertThat(memberships.get(1).nick()).isEqualTo("Countess");
            assertThat(memberships).allSatisfy(member -> {
                assertThat(member.user()).isEqualTo(database.store().findUser(ada).orElseThrow());
                assertThat(member.joinedAt()).isBetween(Instant.now().minus(Duration.ofMinutes(5)),
                        Instant.now().plus(Duration.ofMinutes(5)));
            });
            assertThat(database.store().membershipsOf(Snowflakes.next())).isEmpty();
        }
    }

    @AcrossDatabases
    void forgetsARemovedMember(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long hq = data.createGuild("HQ", ada);
            long mod = data.createRole(hq, "mod");
            data.addMember(hq, ada);
            data.giveRole(hq, ada, mod);

            data.removeMember(hq, ada);

            assertThat(database.store().membershipsOf(ada)).isEmpty();
            assertThat(database.store().findMember(hq, ada)).isEmpty();
            data.addMember(hq, ada);
            assertThat(database.store().findMember(hq, ada).orElseThrow().roleIds()).isEmpty();
        }
    }

    @AcrossDatabases
    void findsOneMember(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long linus = data.createUser("linus");
            long hq = data.createGuild("HQ", ada);
            long mod = data.createRole(hq, "mod");
            data.addMember(hq, ada, "Countess");
            data.giveRole(hq, ada, mod);

            MemberRecord member = database.store().findMember(hq, ada).orElseThrow();

            assertThat(member.guildId()).isEqualTo(hq);
            assertThat(member.userId()).isEqualTo(ada);
            assertThat(member.nick()).isEqualTo("Countess");
            assertThat(member.roleIds()).containsExactly(mod);
            assertThat(database.store().findMember(hq, linus)).isEmpty();
            assertThat(database.store().findMember(Snowflakes.next(), ada)).isEmpty();
        }
    }

    @AcrossDatabases
    void findsManyMembersInOneGo(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long linus = data.createUser("linus");
            long grace = data.createUser("grace");
            long outsider = data.createUser("outsider");
            long hq = data.createGuild("HQ", ada);
            long other = data.createGuild("Other", outsider);
            long mod = data.createRole(hq, "mod");
            long dev = data.createRole(hq, "dev");
            data.addMember(hq, ada);
            data.addMember(hq, linus, "Linux");
            data.addMember(hq, grace);
            data.addMember(other, outsider);
            data.giveRole(hq, linus, dev);
            data.giveRole(hq, linus, mod);
            data.giveRole(hq, grace, mod);

            List<MemberRecord> found = database.store().findMembers(hq,
                    new long[] {grace, outsider, linus, Snowflakes.next(), linus});

            assertThat(found).extracting(MemberRecord::userId).containsExactly(linus, grace);
            assertThat(found.get(0).roleIds()).containsExactly(Math.min(mod, dev), Math.max(mod, dev));
            assertThat(found.get(0).nick()).isEqualTo("Linux");
            assertThat(found.get(1).roleIds()).containsExactly(mod);
            assertThat(found).containsExactlyElementsOf(List.of(
                    database.store().findMember(hq, linus).orElseThrow(),
                    database.store().findMember(hq, grace).orElseThrow()));
            assertThat(database.store().findMembers(hq, new long[0])).isEmpty();
            assertThat(database.store().findMembers(hq, new long[] {outsider})).isEmpty();
        }
    }

    @AcrossDatabases
    void searchesMembersByUsernameOrNickPrefix(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long adam = data.createUser("adam");
            long linus = data.createUser("linus");
            long grace = data.createUser("grace");
            long adalbert = data.createUser("adalbert");
            long hq = data.createGuild("HQ", ada);
            long mod = data.createRole(hq, "mod");
            data.addMember(hq, ada);
            data.addMember(hq, adam);
            data.addMember(hq, linus, "ADAptive");
            data.addMember(hq, grace, "Amazing Grace");
            data.giveRole(hq, adam, mod);
            GatewayStore store = database.store();

            List<MemberRecord> ad = store.searchMembers(hq, "ad", 0);

            assertThat(ad).extracting(MemberRecord::userId).containsExactly(ada, adam, linus);
            assertThat(ad.get(1).roleIds()).containsExactly(mod);
            assertThat(store.searchMembers(hq, "AD", 0)).isEqualTo(ad);
            assertThat(store.searchMembers(hq, "ad", 2)).extracting(MemberRecord::userId).containsExactly(ada, adam);
            assertThat(store.searchMembers(hq, "amazing g", 0)).extracting(MemberRecord::userId)
                    .containsExactly(grace);
            assertThat(store.searchMembers(hq, "", 0)).extracting(MemberRecord::userId)
                    .containsExactly(ada, adam, grace, linus);
            assertThat(store.searchMembers(hq, "", 1)).extracting(MemberRecord::userId).containsExactly(ada);
            assertThat(store.searchMembers(hq, "grace", 0)).extracting(MemberRecord::userId).containsExactly(grace);
            assertThat(store.searchMembers(hq, "nobody", 0)).isEmpty();
            assertThat(store.searchMembers(hq, "adal", 0)).as("adalbert is not a member").isEmpty();
            assertThat(adalbert).isPositive();
            assertThat(store.searchMembers(Snowflakes.next(), "ad", 0)).isEmpty();
            assertThatThrownBy(() -> store.searchMembers(hq, "ad", -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @AcrossDatabases
    void pagesThroughEveryMemberByUserIdWithTheirRoles(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long owner = data.createUser("owner");
            long hq = data.createGuild("HQ", owner);
            long mod = data.createRole(hq, "mod");
            long dev = data.createRole(hq, "dev");
            List<Long> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 7; i++) {
                long user = data.createUser("m" + i);
                data.addMember(hq, user);
                data.giveRole(hq, user, mod);
                data.giveRole(hq, user, dev);
                ids.add(user);
            }
            java.util.Collections.sort(ids);
            GatewayStore store = database.store();

            assertThat(store.countMembers(hq)).isEqualTo(7);
            List<Long> seen = new java.util.ArrayList<>();
            long after = 0;
            for (List<MemberRecord> page = store.membersAfter(hq, after, 3); !page.isEmpty();
                 page = store.membersAfter(hq, after, 3)) {
                assertThat(page).hasSizeLessThanOrEqualTo(3);
                page.forEach(member -> assertThat(member.roleIds()).hasSize(2));
                page.forEach(member -> seen.add(member.userId()));
                after = page.get(page.size() - 1).userId();
            }
            assertThat(seen).containsExactlyElementsOf(ids);
            assertThat(store.countMembers(Snowflakes.next())).isZero();
            assertThatThrownBy(() -> store.membersAfter(hq, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @AcrossDatabases
    void searchTakesWildcardsLiterally(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long owner = data.createUser("owner");
            long hq = data.createGuild("HQ", owner);
            long underscore = member(data, hq, "a_b");
            long percent = member(data, hq, "a%c");
            long bang = member(data, hq, "a!d");
            long backslash = member(data, hq, "a\\e");
            long plain = member(data, hq, "axb");
            GatewayStore store = database.store();

            assertThat(store.searchMembers(hq, "a_", 0)).extracting(MemberRecord::userId).containsExactly(underscore);
            assertThat(store.searchMembers(hq, "a%", 0)).extracting(MemberRecord::userId).containsExactly(percent);
            assertThat(store.searchMembers(hq, "a!", 0)).extracting(MemberRecord::userId).containsExactly(bang);
            assertThat(store.searchMembers(hq, "a\\", 0)).extracting(MemberRecord::userId).containsExactly(backslash);
            assertThat(store.searchMembers(hq, "%", 0)).isEmpty();
            assertThat(store.searchMembers(hq, "_", 0)).isEmpty();
            assertThat(store.searchMembers(hq, "a", 0)).hasSize(5);
            assertThat(store.searchMembers(hq, "ax", 0)).extracting(MemberRecord::userId).containsExactly(plain);
        }
    }

    @AcrossDatabases
    void loadsAGuildSnapshot(Supplier<Database> databases) {
        try (Database database = databases.get()) {
            TestData data = TestData.of(database);
            long ada = data.createUser("ada");
            long linus = data.createUser("linus");
            long hq = data.createGuild("HQ", ada);
            long mod = data.createRole(hq, "mod");
            long dev = data.createRole(hq, "dev");
            long ops = data.createRole(hq, "ops");
            data.update("UPDATE roles SET position = 1 WHERE id = ?", ops);
            long random = data.createChannel(hq, "random");
            long first = data.createChannel(hq, "first");
            data.update("UPDATE channels SET position = -1, topic = 'top', parent_id = ?, last_message_id = ?"
                    + " WHERE id = ?", random, 42L, first);
            data.addMember(hq, ada);
            data.addMember(hq, linus);
            long other = data.createGuild("Other", linus);
            data.addMember(other, linus);

            GuildSnapshot snapshot = database.store().loadGuild(hq).orElseThrow();

            assertThat(snapshot.guild()).isEqualTo(new GuildRecord(hq, "HQ", null, ada, 0, 0));
            assertThat(snapshot.roles()).extracting(RoleRecord::id)
                    .as("by position, then id").containsExactly(hq, mod, ops, dev);
            assertThat(snapshot.roles().get(0)).isEqualTo(new RoleRecord(hq, hq, "@everyone", 0, 0, 0, false, false));
            assertThat(snapshot.channels()).extracting(ChannelRecord::name)
                    .containsExactly("first", "general", "random");
            assertThat(snapshot.channels().get(0))
                    .isEqualTo(new ChannelRecord(first, hq, 0, "first", -1, random, "top", 42L));
            assertThat(snapshot.channels().get(2))
                    .isEqualTo(new ChannelRecord(random, hq, 0, "random", 1, null, null, null));
            assertThat(snapshot.memberCount()).isEqualTo(2);
            assertThat(database.store().loadGuild(other).orElseThrow().memberCount()).isEqualTo(1);
            assertThat(database.store().loadGuild(Snowflakes.next())).isEmpty();
        }
    }

    @AcrossDatabases
    void failsLoudlyOnceClosed(Supplier<Database> databases) {
        Database database = databases.get();
        GatewayStore store = database.store();
        database.close();

        assertThatThrownBy(() -> store.findUser(1)).isInstanceOf(StoreException.class);
    }

    private static long member(TestData data, long guildId, String username) {
        long id = data.createUser(username);
        data.addMember(guildId, id);
        return id;
    }

    /** The token with its user part replaced, keeping the time and signature. */
    private static String swapUser(String token, long userId) {
        String other = Tokens.sign(userId, "x", 0);
        return other.substring(0, other.indexOf('.')) + token.substring(token.indexOf('.'));
    }
}
