package one.derailed.gateway.core.guild;

import one.derailed.gateway.core.guild.GuildProtocol.Command;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.core.user.UserProtocol;
import one.derailed.gateway.protocol.GatewayEvent;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;

/**
 * GuildAbsent is a guild with nobody subscribed and nothing cached: its entity was started by a publish or a
 * question, or the store has no such guild. The store is the truth for the next load, which the next subscription
 * starts; a publish reaches nobody but a new member's other sessions, which are told to subscribe.
 */
final class GuildAbsent extends AbstractMatchingBehavior<Command> {
    private final GuildIncarnation self;
    private final StashBuffer<Command> stash;

    GuildAbsent(GuildIncarnation self, StashBuffer<Command> stash) {
        super(self.context);
        this.self = self;
        this.stash = stash;
        self.context.setReceiveTimeout(self.services.settings().idleTimeout(), GuildSignals.IdleTimeout.INSTANCE);
    }

    @Override
    public Behavior<Command> onMessage(Command command) {
        return switch (command) {
            case GuildProtocol.Subscribe subscribe -> new GuildLoading(self, stash, subscribe);
            case GuildProtocol.Move move -> new GuildLoading(self, stash, move);
            case GuildProtocol.Handover handover -> new GuildLoading(self, stash, handover);
            case GuildProtocol.HandOff handOff -> Behaviors.stopped();
            case GuildSignals.IdleTimeout timeout -> {
                self.passivate();
                yield this;
            }
            case GuildSignals.RenewalWindowOver over -> {
                self.log.close();
                yield this;
            }
            default -> answerWaiting(command);
        };
    }

    @Override
    public Behavior<Command> onSignal(Signal signal) {
        if (signal instanceof PostStop) {
            self.services.metrics().guildStopped();
        }
        return this;
    }

    /** Answers what came for a guild that is not there: no subscribers, no presences. */
    Behavior<Command> answerWaiting(Command command) {
        switch (command) {
            case GuildProtocol.Publish publish -> {
                GatewayEvent event = GatewayEvent.of(publish.event());
                if (event == GatewayEvent.GUILD_MEMBER_ADD || event == GatewayEvent.MEMBER_JOIN) {
                    long userId = MemberEvents.userId(GuildDocument.parse(publish.data()));
                    if (userId != 0) {
                        self.services.users().tell(userId, new UserProtocol.JoinedGuild(self.guildId, publish.data()));
                    }
                }
                publish.replyTo().tell(GuildProtocol.PublishAck.ACCEPTED);
            }
            case GuildProtocol.Subscribe subscribe -> self.link.tell(subscribe.relay(), new RelayProtocol.Unsubscribed(
                    new long[] {subscribe.session()}, self.guildId, false));
            case GuildProtocol.Move move -> {
                self.link.tell(move.newRelay(), new RelayProtocol.Unsubscribed(new long[] {move.newSession()}, self.guildId,
                        false));
                self.link.tell(move.relay(), new RelayProtocol.Drained(move.session(), self.guildId));
            }
            case GuildProtocol.GetInfo get -> get.replyTo().tell(new GuildProtocol.Info(0, false));
            case GuildProtocol.GetPresences get -> get.replyTo().tell(new GuildProtocol.Presences(java.util.List.of()));
            default -> { }
        }
        return this;
    }
}
