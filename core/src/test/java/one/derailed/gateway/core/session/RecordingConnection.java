package one.derailed.gateway.core.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.EncodedFrame;
import org.apache.pekko.actor.typed.ActorRef;

/** A socket as a session sees it, always open, that keeps what the session sends it. */
final class RecordingConnection implements Connection {
    final List<EncodedFrame> sent = new CopyOnWriteArrayList<>();

    @Override
    public void send(EncodedFrame frame) {
        sent.add(frame);
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void attach(ActorRef<SessionProtocol.Command> session) {
    }

    @Override
    public void close(CloseCode code, String reason) {
    }
}
