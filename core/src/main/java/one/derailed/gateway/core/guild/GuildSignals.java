package one.derailed.gateway.core.guild;

import java.util.Optional;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.store.GuildSnapshot;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/** GuildSignals are the messages a guild's entity sends itself: store answers, timers and watches. */
final class GuildSignals {
    private GuildSignals() {}

    /** What a signal is: never sent between nodes. */
    interface Signal extends GuildProtocol.Command, NoSerializationVerificationNeeded {}

    /** The store answered the load: the guild, or none with that id. */
    record Loaded(Optional<GuildSnapshot> snapshot) implements Signal {}

    /** The store could not answer the load. */
    record LoadFailed(String reason) implements Signal {}

    /** Time to try the load again. */
    enum LoadAgain implements Signal { INSTANCE }

    /** The store says whether a recently removed user, subscribing, is a member again. */
    record MemberChecked(GuildProtocol.Subscribe subscribe, boolean member, String failure) implements Signal {}

    /** A node with subscribers here is gone: crashed, or left without handing its sessions over. */
    record NodeLost(ActorRef<RelayProtocol.Command> relay) implements Signal {}

    /** No message for the idle timeout. */
    enum IdleTimeout implements Signal { INSTANCE }

    /** The renewal window of this incarnation is over. */
    enum RenewalWindowOver implements Signal { INSTANCE }

    /** A renewal from an unknown incarnation no longer waits for a handover. */
    enum HandoverWaitOver implements Signal { INSTANCE }
}
