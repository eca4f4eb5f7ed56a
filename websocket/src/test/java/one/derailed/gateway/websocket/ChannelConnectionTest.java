package one.derailed.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import one.derailed.gateway.core.session.SessionProtocol;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A socket as a session's connection: a session never attaches to a socket that closed without hearing of it. */
class ChannelConnectionTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /**
     * A RESUME checks the new socket is open, then (on the session's thread) attaches to it; the socket may close in
     * between, when it has no session to tell. The session attaching after that hears of the close at once, rather
     * than stay "connected" to a socket that is gone.
     */
    @Test
    void aSessionAttachingToASocketThatJustClosedHearsOfTheClose() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelConnection connection = new ChannelConnection(channel, new one.derailed.gateway.core.overload.ClientBytes(Long.MAX_VALUE), attached -> { });
        channel.close();
        connection.closed(1006, true);

        TestProbe<SessionProtocol.Command> session = KIT.createTestProbe();
        connection.attach(session.getRef());
        SessionProtocol.ConnectionClosed closed = session.expectMessageClass(SessionProtocol.ConnectionClosed.class);
        assertThat(closed.connection()).isSameAs(connection);
        assertThat(closed.closeCode()).isEqualTo(1006);
        assertThat(closed.byClient()).isTrue();
    }

    @Test
    void anAttachedSessionHearsOfTheCloseOnce() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelConnection connection = new ChannelConnection(channel, new one.derailed.gateway.core.overload.ClientBytes(Long.MAX_VALUE), attached -> { });
        TestProbe<SessionProtocol.Command> session = KIT.createTestProbe();
        connection.attach(session.getRef());
        channel.close();
        connection.closed(4000, false);
        assertThat(session.expectMessageClass(SessionProtocol.ConnectionClosed.class).closeCode()).isEqualTo(4000);
        session.expectNoMessage(Duration.ofMillis(100));
    }
}
