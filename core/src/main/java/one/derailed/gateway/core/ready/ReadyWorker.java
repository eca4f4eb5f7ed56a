package one.derailed.gateway.core.ready;

import java.util.List;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.store.Authentication;
import one.derailed.gateway.store.GatewayStore;
import one.derailed.gateway.store.MemberRecord;
import one.derailed.gateway.store.UserRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * ReadyWorker builds what READY needs: it checks the token against the user's password column and loads the user and
 * their memberships. It blocks on JDBC, so it runs only on the store dispatcher, whose size bounds the database load;
 * sessions on any node reach the workers of every {@code ready} node through {@link #SERVICE_KEY}.
 */
public final class ReadyWorker extends AbstractBehavior<ReadyWorker.Command> {

    public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "ready");
    public static final String DISPATCHER = "derailed-store-dispatcher";

    public sealed interface Command extends CborSerializable {}

    public record Load(String token, ActorRef<Result> replyTo) implements Command {}

    /** One member of a guild, for a session whose user just joined it. */
    public record LoadMember(long guildId, long userId, ActorRef<Result> replyTo) implements Command {}

    /** Members by username/nick prefix or by ids (op 8); {@code limit} 0 means all. */
    public record FindMembers(long guildId, String query, long[] userIds, int limit, ActorRef<Result> replyTo)
            implements Command {}

    /** Only checks the token (for RESUME): answers Authenticated, Rejected or Unavailable. */
    public record Authenticate(String token, ActorRef<Result> replyTo) implements Command {}

    public sealed interface Result extends CborSerializable {}

    /** The user, every guild membership with the user's member object, and their saved status. */
    public record Loaded(UserRecord user, List<MemberRecord> memberships, String status) implements Result {}

    /** The token is valid and belongs to {@code userId}. */
    public record Authenticated(long userId) implements Result {}

    /** The token failed; {@code reason} is safe to show the client. */
    public record Rejected(String reason) implements Result {}

    /** Members found; for a lookup by ids, the ids not found are simply absent. */
    public record MembersFound(List<MemberRecord> members) implements Result {}

    /** The store could not answer; the client should try again. */
    public record Unavailable(String reason) implements Result {}

    public static Behavior<Command> create(GatewayStore store) {
        return Behaviors.setup(context -> new ReadyWorker(context, store));
    }

    private final GatewayStore store;

    private ReadyWorker(ActorContext<Command> context, GatewayStore store) {
        super(context);
        this.store = store;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Load.class, load -> answer(load.replyTo(), () -> build(load.token())))
                .onMessage(Authenticate.class, check -> answer(check.replyTo(), () -> authenticate(check.token())))
                .onMessage(LoadMember.class, load -> answer(load.replyTo(), () -> new MembersFound(
                        store.findMember(load.guildId(), load.userId()).map(List::of).orElse(List.of()))))
                .onMessage(FindMembers.class, find -> answer(find.replyTo(), () -> new MembersFound(
                        find.userIds() != null ? store.findMembers(find.guildId(), find.userIds())
                                : store.searchMembers(find.guildId(), find.query(), find.limit()))))
                .build();
    }

    /** Runs one blocking read; a store failure answers Unavailable instead of failing the worker. */
    private Behavior<Command> answer(ActorRef<Result> replyTo, java.util.function.Supplier<Result> read) {
        Result result;
        try {
            result = read.get();
        } catch (RuntimeException e) {
            getContext().getLog().warn("ready could not read the store", e);
            result = new Unavailable("the gateway could not read its database; try again");
        }
        replyTo.tell(result);
        return this;
    }

    private Result authenticate(String token) {
        return switch (store.authenticate(token)) {
            case Authentication.Authenticated ok -> new Authenticated(ok.user().id());
            case Authentication.Rejected rejected -> new Rejected(rejected.reason());
        };
    }

    private Result build(String token) {
        Authentication authentication = store.authenticate(token);
        if (authentication instanceof Authentication.Rejected rejected) {
            return new Rejected(rejected.reason());
        }
        UserRecord user = ((Authentication.Authenticated) authentication).user();
        return new Loaded(user, store.membershipsOf(user.id()), store.statusOf(user.id()));
    }
}
