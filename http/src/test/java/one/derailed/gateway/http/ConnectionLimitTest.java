package one.derailed.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionLimitTest {

    @Test
    void aReleasedConnectionNoLongerCountsAndItsPipelineLetsTheHandlerGo() {
        ConnectionLimit limit = new ConnectionLimit(2, 2, refusal -> { });
        EmbeddedChannel first = open(limit);
        EmbeddedChannel second = open(limit);
        assertThat(limit.counted()).isEqualTo(2);

        limit.release(first);

        assertThat(limit.counted()).isEqualTo(1);
        assertThat(first.pipeline().get(ConnectionLimit.class)).isNull();
        assertThat(second.pipeline().get(ConnectionLimit.class)).isSameAs(limit);
        limit.release(first);
        first.close();
        assertThat(limit.counted()).as("released once, closed later: still counted once").isEqualTo(1);
        second.close();
        assertThat(limit.counted()).isZero();
        assertThat(limit.addresses()).isZero();
    }

    @Test
    void aFullListenerRefusesAtAcceptUntilAPlaceIsReleased() {
        List<ConnectionLimit.Refusal> refusals = new ArrayList<>();
        ConnectionLimit limit = new ConnectionLimit(1, 1, refusals::add);
        EmbeddedChannel held = open(limit);

        EmbeddedChannel refused = open(limit);
        Object answer = refused.readOutbound();
        assertThat(answer).isNotNull();
        ReferenceCountUtil.release(answer);
        assertThat(refused.isOpen()).isFalse();
        assertThat(refusals).hasSize(1);

        limit.release(held);
        EmbeddedChannel admitted = open(limit);
        assertThat(admitted.isOpen()).isTrue();
        assertThat((Object) admitted.readOutbound()).isNull();
        assertThat(limit.counted()).isEqualTo(1);
        held.close();
        admitted.close();
        assertThat(limit.counted()).isZero();
    }

    private static EmbeddedChannel open(ConnectionLimit limit) {
        // Registering makes the channel active: the limit sees it as a listener sees an accepted connection.
        return new EmbeddedChannel(limit, new ChannelInboundHandlerAdapter());
    }
}
