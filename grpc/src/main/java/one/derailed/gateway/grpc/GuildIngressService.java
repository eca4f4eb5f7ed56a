package one.derailed.gateway.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import one.derailed.gateway.core.ingress.EventIngress;
import one.derailed.gateway.grpc.PublishRules.CheckedEvent;
import one.derailed.grpc.GetGuildInfo;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Publ;
import one.derailed.grpc.Publr;
import one.derailed.grpc.RepliedGuildInfo;

/**
 * GuildIngressService serves {@code derailed.grpc.Guild}: it checks each request against {@link PublishRules},
 * hands it to the {@link EventIngress} and replies once the guild accepted it.
 */
public final class GuildIngressService extends GuildGrpc.GuildImplBase {
    private static final Publr SUCCESS = Publr.newBuilder().setMessage("Success").build();

    private final EventIngress ingress;

    public GuildIngressService(EventIngress ingress) {
        this.ingress = ingress;
    }

    @Override
    public void publish(Publ request, StreamObserver<Publr> observer) {
        long guildId;
        CheckedEvent event;
        try {
            guildId = PublishRules.snowflake("guild_id", request.getGuildId());
            event = PublishRules.event(request.hasMessage() ? request.getMessage() : null,
                    ingress.maxEventBytes());
        } catch (StatusRuntimeException invalid) {
            observer.onError(invalid);
            return;
        }
        String key = IdempotencyKeys.current();
        IngressReplies.answer(observer,
                () -> ingress.publishToGuild(guildId, event.name(), event.data(), key),
                accepted -> SUCCESS,
                "publishing " + event.name() + " to guild " + guildId,
                "guild " + guildId + " did not accept the event in time");
    }

    @Override
    public void getGuildInfo(GetGuildInfo request, StreamObserver<RepliedGuildInfo> observer) {
        long guildId;
        try {
            guildId = PublishRules.snowflake("guild_id", request.getGuildId());
        } catch (StatusRuntimeException invalid) {
            observer.onError(invalid);
            return;
        }
        IngressReplies.answer(observer,
                () -> ingress.guildInfo(guildId),
                info -> RepliedGuildInfo.newBuilder()
                        .setPresences(info.presences())
                        .setAvailable(info.available())
                        .build(),
                "getting the info of guild " + guildId,
                "guild " + guildId + " did not answer in time");
    }
}
