package one.derailed.gateway.core.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The census keeps the largest guilds in a bounded number of slots, whatever the number of guilds reporting. */
class GuildCensusTest {

    @Test
    void keepsTheLargestGuildsInItsSlotsWhateverTheNumberOfGuilds() {
        GuildCensus census = new GuildCensus(10);
        List<GuildCensus.Entry> entries = new ArrayList<>();
        Random random = new Random(16);
        int[] online = new int[5_000];
        for (int g = 0; g < online.length; g++) {
            entries.add(census.enter(g + 1, "guild " + (g + 1)));
        }
        // members come online in random order, as sessions subscribe
        for (int step = 0; step < 200_000; step++) {
            int g = random.nextInt(online.length);
            int weight = g % 97 == 0 ? 40 : 1; // a few big guilds
            online[g] += weight;
            entries.get(g).online(online[g], online[g] * 2L);
        }
        assertThat(census.trackedCount()).isEqualTo(10);
        List<Long> expected = new ArrayList<>();
        Integer[] order = new Integer[online.length];
        for (int g = 0; g < order.length; g++) {
            order[g] = g;
        }
        java.util.Arrays.sort(order, (a, b) -> online[b] != online[a] ? Integer.compare(online[b], online[a])
                : Integer.compare(a, b));
        for (int i = 0; i < 5; i++) {
            expected.add(order[i] + 1L);
        }
        List<GuildCensus.Counted> top = census.top(5);
        assertThat(top).extracting(GuildCensus.Counted::guildId).containsExactlyElementsOf(expected);
        assertThat(top.get(0).online()).isEqualTo(online[order[0]]);
        assertThat(top.get(0).members()).isEqualTo(online[order[0]] * 2L);
        assertThat(top.get(0).name()).isEqualTo("guild " + (order[0] + 1));
    }

    @Test
    void aGuildThatStopsFreesItsSlotAndGuildsWithNobodyOnlineAreNotShown() {
        GuildCensus census = new GuildCensus(2);
        GuildCensus.Entry a = census.enter(1, "a");
        GuildCensus.Entry b = census.enter(2, "b");
        GuildCensus.Entry c = census.enter(3, "c");
        a.online(5, 5);
        b.online(3, 3);
        c.online(2, 2); // below the smallest tracked: no slot
        assertThat(census.top(10)).extracting(GuildCensus.Counted::guildId).containsExactly(1L, 2L);
        a.leave();
        c.online(1, 2); // its next change finds a free slot
        assertThat(census.top(10)).extracting(GuildCensus.Counted::guildId).containsExactly(2L, 3L);
        b.online(0, 3);
        assertThat(census.top(10)).extracting(GuildCensus.Counted::guildId).containsExactly(3L);
        GuildCensus.Entry late = census.enter(4, "d");
        late.online(7, 7);
        assertThat(census.top(10)).extracting(GuildCensus.Counted::guildId).containsExactly(4L, 3L);
        assertThat(census.trackedCount()).isEqualTo(2);
    }

    @Test
    void theCensusOfNoNodeTracksNothing() {
        GuildCensus none = GuildCensus.none();
        none.enter(1, "a").online(100, 100);
        assertThat(none.top(10)).isEmpty();
        assertThat(none.trackedCount()).isZero();
    }
}
