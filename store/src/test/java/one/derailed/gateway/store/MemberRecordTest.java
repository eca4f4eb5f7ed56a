package one.derailed.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MemberRecordTest {

    private static final UserRecord ADA = new UserRecord(1, "ada", "0", null, 0, false, false, false, null, null);
    private static final Instant JOINED = Instant.parse("2024-01-01T00:00:00Z");

    @Test
    void comparesRoleIdsByContent() {
        MemberRecord one = new MemberRecord(9, ADA, "A", JOINED, new long[] {3, 4});
        MemberRecord same = new MemberRecord(9, ADA, "A", JOINED, new long[] {3, 4});
        MemberRecord other = new MemberRecord(9, ADA, "A", JOINED, new long[] {3, 5});

        assertThat(one).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(other);
        assertThat(one.toString()).contains("roleIds=[3, 4]");
    }

    @Test
    void cannotBeChangedThroughItsArray() {
        long[] roles = {3, 4};
        MemberRecord member = new MemberRecord(9, ADA, null, JOINED, roles);
        roles[0] = 99;
        member.roleIds()[1] = 99;

        assertThat(member.roleIds()).containsExactly(3, 4);
        assertThat(member.hasRole(3)).isTrue();
        assertThat(member.hasRole(99)).isFalse();
        assertThat(new MemberRecord(9, ADA, null, JOINED, null).roleIds()).isEmpty();
        assertThat(member.userId()).isEqualTo(1);
    }
}
