package one.derailed.gateway.core.ready;

import java.util.List;
import one.derailed.gateway.core.ready.ReadyProtocol.Command;
import one.derailed.gateway.core.ready.ReadyProtocol.MembersFound;
import one.derailed.gateway.core.ready.ReadyProtocol.Result;
import one.derailed.gateway.store.Authentication;
import one.derailed.gateway.store.GatewayStore;
import one.derailed.gateway.store.MemberRecord;
import one.derailed.gateway.store.UserRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * ReadyWorker builds what READY needs ({@link ReadyProtocol}): it checks the token against the user's password
 * column and loads the user and their memberships. It blocks on JDBC, so it runs only on the store dispatcher, whose
 * size bounds the database load; sessions on any node reach the workers of every {@code ready} node through
 * {@link ReadyProtocol#SERVICE_KEY}.
 */
public final class ReadyWorker extends AbstractMatchingBehavior<Command> {

    public static final String DISPATCHER = "derailed-store-dispatcher";

    public static Behavior<Command> create(GatewayStore store) {
        return Behaviors.setup(context -> new ReadyWorker(context, store));
    }

    private final GatewayStore store;

    private ReadyWorker(ActorContext<Command> context, GatewayStore store) {
        super(context);
        this.store = store;
    }

    @Override
    public Behavior<Command> onMessage(Command command) {
        switch (command) {
            case ReadyProtocol.Load load -> answer(load.replyTo(), () -> build(load));
            case ReadyProtocol.LoadMemberships page -> answer(page.replyTo(), () -> page(store.membershipsPage(
                    page.userId(), page.shardId(), page.shardCount(), page.afterGuildId(), page.pageSize() + 1),
                    page.pageSize()));
            case ReadyProtocol.Authenticate check -> answer(check.replyTo(), () -> authenticate(check.token()));
            case ReadyProtocol.LoadMember load -> answer(load.replyTo(), () -> new MembersFound(
                    store.findMember(load.guildId(), load.userId()).map(List::of).orElse(List.of()), false));
            case ReadyProtocol.FindMembers find -> answer(find.replyTo(), () -> findMembers(find));
            default -> getContext().getLog().warn("ready: unknown message {}", command.getClass().getName());
        }
        return this;
    }

    /** Runs one blocking read; a store failure answers Unavailable instead of failing the worker. */
    private void answer(ActorRef<Result> replyTo, java.util.function.Supplier<Result> read) {
        Result result;
        try {
            result = read.get();
        } catch (RuntimeException e) {
            getContext().getLog().warn("ready could not read the store", e);
            result = new ReadyProtocol.Unavailable("the gateway could not read its database; try again");
        }
        replyTo.tell(result);
    }

    private Result authenticate(String token) {
        return switch (store.authenticate(token)) {
            case Authentication.Authenticated ok -> new ReadyProtocol.Authenticated(ok.user().id());
            case Authentication.Rejected rejected -> new ReadyProtocol.Rejected(rejected.reason());
        };
    }

    private Result build(ReadyProtocol.Load load) {
        Authentication authentication = store.authenticate(load.token());
        if (authentication instanceof Authentication.Rejected rejected) {
            return new ReadyProtocol.Rejected(rejected.reason());
        }
        UserRecord user = ((Authentication.Authenticated) authentication).user();
        MembersFound first = page(store.membershipsPage(user.id(), load.shardId(), load.shardCount(), 0,
                load.pageSize() + 1), load.pageSize());
        return new ReadyProtocol.Loaded(user, first.members(), first.more(), store.statusOf(user.id()));
    }

    private Result findMembers(ReadyProtocol.FindMembers find) {
        if (find.userIds() != null) {
            return new MembersFound(store.findMembers(find.guildId(), find.userIds()), false);
        }
        if (find.query().isEmpty()) {
            MembersFound page = page(store.membersPage(find.guildId(), find.afterUserId(), find.pageSize() + 1),
                    find.pageSize());
            return find.afterUserId() != 0 ? page
                    : new MembersFound(page.members(), page.more(), store.memberCount(find.guildId()));
        }
        return new MembersFound(store.searchMembers(find.guildId(), find.query(), find.limit()), false);
    }

    /** A page read with one row more than asked for, which tells whether another page follows. */
    private static MembersFound page(List<MemberRecord> readOneMore, int pageSize) {
        boolean more = readOneMore.size() > pageSize;
        return new MembersFound(more ? List.copyOf(readOneMore.subList(0, pageSize)) : readOneMore, more);
    }
}
