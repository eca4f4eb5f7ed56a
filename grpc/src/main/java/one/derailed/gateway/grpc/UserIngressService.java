package one.derailed.gateway.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import one.derailed.gateway.core.ingress.EventIngress;
import one.derailed.gateway.grpc.PublishRules.CheckedEvent;
import one.derailed.grpc.UPubl;
import one.derailed.grpc.UPublr;
import one.derailed.grpc.UserGrpc;

/**
 * UserIngressService serves {@code derailed.grpc.User}: it checks each request against {@link PublishRules},
 * hands it to the {@link EventIngress} and replies once the user accepted it.
 */
public final class UserIngressService extends UserGrpc.UserImplBase {
    private static final UPublr SUCCESS = UPublr.newBuilder().setMessage("Success").build();

    private final EventIngress ingress;

    public UserIngressService(EventIngress ingress) {
        this.ingress = ingress;
    }

    @Override
    public void publish(UPubl request, StreamObserver<UPublr> observer) {
        long userId;
        CheckedEvent event;
        try {
            userId = PublishRules.snowflake("user_id", request.getUserId());
            event = PublishRules.event(request.hasMessage() ? request.getMessage() : null,
                    ingress.maxEventBytes());
        } catch (StatusRuntimeException invalid) {
            observer.onError(invalid);
            return;
        }
        String key = IdempotencyKeys.current();
        IngressReplies.answer(observer,
                () -> ingress.publishToUser(userId, event.name(), event.data(), key),
                accepted -> SUCCESS,
                "publishing " + event.name() + " to user " + userId,
                "user " + userId + " did not accept the event in time");
    }
}
