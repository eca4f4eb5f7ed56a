package one.derailed.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FloorCommandTest {
    /** fanout_floor's own lines, as it printed them on this machine (9,968 sockets, 20 rounds). */
    private static final String FLOOR = """
            reader: 0.705 s CPU for 199360 deliveries: 3.53 us per delivery
            writer: 199360 deliveries of 250 B to 9968 sockets: write loop 1.555 s (7.72 us CPU each), all read 1.727 s
            floor: 115456 deliveries/s end to end (writer + reader on this machine)
            """;

    @Test
    void oneEventsFloorIsEveryWriteAndReadSpreadOverTheCores() {
        assertThat(FloorCommand.oneEventFloor(FLOOR, 100_000, 2))
                .contains("(7.72 + 3.53 µs) x 100,000 / 2 = 563 ms");
        assertThat(FloorCommand.oneEventFloor(FLOOR, 10_000, 2)).contains("= 56 ms");
    }

    @Test
    void outputWithoutBothCostsGivesNoFloor() {
        assertThat(FloorCommand.oneEventFloor("fanout_floor: socketpair: Too many open files\n", 100_000, 2))
                .isNull();
        assertThat(FloorCommand.oneEventFloor(FLOOR.lines().findFirst().orElseThrow(), 100_000, 2)).isNull();
    }
}
