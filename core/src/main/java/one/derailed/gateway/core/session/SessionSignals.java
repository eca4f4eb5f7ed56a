package one.derailed.gateway.core.session;

import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.user.UserProtocol;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/** SessionSignals are the messages a session sends itself: answers to its asks, timers and watches. */
final class SessionSignals {
    private SessionSignals() {}

    /** What a signal is: never sent between nodes. */
    interface Signal extends SessionProtocol.Command, NoSerializationVerificationNeeded {}

    /** Ready answered the identify's load (try {@code attempt}). */
    record ReadyAnswered(int attempt, ReadyProtocol.Result result, Throwable failure) implements Signal {}

    /** Ready answered a further page of memberships. */
    record MembershipsAnswered(ReadyProtocol.Result result, Throwable failure) implements Signal {}

    /** The user's entity answered whether the session may start. */
    record StartDecided(UserProtocol.StartAnswer answer, Throwable failure) implements Signal {}

    /** Ready checked a resume's token (try {@code tries} of attempt {@code attempt}). */
    record ResumeChecked(SessionProtocol.Resume request, long attempt, int tries, ReadyProtocol.Result result,
                         Throwable failure) implements Signal {}

    /** Ready checked the token of a claim that wants to move this session. */
    record MoveChecked(MoveProtocol.MoveTo request, ReadyProtocol.Result result, Throwable failure)
            implements Signal {}

    /** Ready read a member object to subscribe to {@code guildId} with ({@code renews}: see Subscribe). */
    record MemberLoaded(long guildId, long renews, ReadyProtocol.Result result, Throwable failure)
            implements Signal {}

    /** The subscription sent to {@code guildId} may have been lost: check whether it was answered. */
    record SubscribeUnanswered(long guildId) implements Signal {}

    /** Time to send a subscription to {@code guildId} again. */
    record SubscribeAgain(long guildId) implements Signal {}

    /** An op 8 request this session runs finished. */
    enum MemberRequestDone implements Signal { INSTANCE }

    /** The socket stayed away for the whole resume window. */
    enum ResumeWindowOver implements Signal { INSTANCE }

    /** A move did not complete in time. */
    enum HandoffTimedOut implements Signal { INSTANCE }

    /** Some sources of an arriving session have not drained yet: their Move may have been lost, it goes again. */
    enum MoveAgain implements Signal { INSTANCE }
}
