package one.derailed.gateway.core.session;

import java.util.List;
import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.CloseCode;
import one.derailed.gateway.protocol.GatewayEvent;
import one.derailed.gateway.protocol.Intents;
import one.derailed.gateway.store.MemberRecord;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * MemberRequest answers one op 8, as a short-lived child of its session: it reads the members from the store
 * (through Ready, a page of at most one chunk at a time, so a request for every member of a large guild holds one
 * chunk's members at once), asks the guild for their presences if wanted, and hands each GUILD_MEMBERS_CHUNK to its
 * session, which numbers it. If a read fails midway, the chunks still owed are sent empty, so the client's count
 * completes.
 */
final class MemberRequest extends AbstractMatchingBehavior<MemberRequest.Step> {

    interface Step extends NoSerializationVerificationNeeded {}

    private record PageRead(ReadyProtocol.Result result, Throwable failure) implements Step {}

    private record PresencesRead(List<MemberRecord> members, boolean more, GuildProtocol.Presences presences,
                                 Throwable failure) implements Step {}

    /** Discord's largest limit for a query by prefix (and its default). */
    static final int MAX_QUERY_LIMIT = 100;

    /**
     * Checks an op 8 against Discord's rules and starts answering it; returns the session's next behaviour
     * ({@code current}, or stopped when the request closes the connection).
     */
    static Behavior<Command> start(SessionState state, ClientPayload.RequestGuildMembers request,
                                   Behavior<Command> current) {
        boolean everyone = request.userIds() == null && request.query().isEmpty();
        if (everyone && !Intents.allows(state.intents, Intents.GUILD_MEMBERS)) {
            return state.closeWith(CloseCode.INVALID_INTENTS,
                    "requesting members with an empty query needs the GUILD_MEMBERS intent");
        }
        if (request.presences() && !Intents.allows(state.intents, Intents.GUILD_PRESENCES)) {
            return state.closeWith(CloseCode.INVALID_INTENTS, "requesting presences needs the GUILD_PRESENCES intent");
        }
        if (!state.guilds.contains(request.guildId())) {
            state.dispatch(GatewayEvent.GUILD_MEMBERS_CHUNK.name(), MemberChunks.chunk(request, 0, 1, List.of(), List.of(),
                    request.userIds() == null ? List.of()
                            : java.util.Arrays.stream(request.userIds()).boxed().toList()));
            return current;
        }
        ActorRef<Step> child = state.context.spawnAnonymous(Behaviors.setup(context ->
                new MemberRequest(context, state.services, state.context.getSelf(), request)));
        state.memberRequests++;
        state.context.watchWith(child, SessionSignals.MemberRequestDone.INSTANCE);
        return current;
    }

    private final SessionServices services;
    private final ActorRef<Command> session;
    private final ClientPayload.RequestGuildMembers request;
    private final int chunkSize;
    /** For every member: how many at most (0 none), how many chunks in all once known, and how far it has got. */
    private final int most;
    private int chunkCount = -1;
    private int sent;
    private long lastUserId;

    private MemberRequest(ActorContext<Step> context, SessionServices services, ActorRef<Command> session,
                          ClientPayload.RequestGuildMembers request) {
        super(context);
        this.services = services;
        this.session = session;
        this.request = request;
        this.chunkSize = services.limits().memberChunkSize();
        this.most = request.userIds() == null && request.query().isEmpty() ? request.limit() : 0;
        readPage();
    }

    private boolean everyone() {
        return request.userIds() == null && request.query().isEmpty();
    }

    private void readPage() {
        int limit = everyone() ? 0 : request.limit() == 0 ? MAX_QUERY_LIMIT
                : Math.min(request.limit(), MAX_QUERY_LIMIT);
        int pageSize = most > 0 ? Math.min(chunkSize, most - sent * chunkSize) : chunkSize;
        long after = lastUserId;
        getContext().ask(ReadyProtocol.Result.class, services.ready(), services.settings().readyTimeout(),
                replyTo -> new ReadyProtocol.FindMembers(request.guildId(), request.query(), request.userIds(), limit,
                        after, pageSize, replyTo),
                PageRead::new);
    }

    @Override
    public Behavior<Step> onMessage(Step step) {
        return switch (step) {
            case PageRead read -> onPage(read);
            case PresencesRead read -> onPresences(read);
            default -> this;
        };
    }

    private Behavior<Step> onPage(PageRead read) {
        if (!(read.result() instanceof ReadyProtocol.MembersFound found)) {
            getContext().getLog().warn("member request for guild {} failed: {}", request.guildId(),
                    read.failure() != null ? read.failure().toString() : read.result());
            return finishEmpty();
        }
        if (chunkCount < 0) {
            long total = everyone() && found.total() >= 0
                    ? (most > 0 ? Math.min(most, found.total()) : found.total()) : found.members().size();
            chunkCount = (int) Math.max(1, (total + chunkSize - 1) / chunkSize);
        }
        List<MemberRecord> members = found.members();
        if (!members.isEmpty()) {
            lastUserId = members.get(members.size() - 1).user().id();
        }
        boolean more = everyone() && found.more() && sent + 1 < chunkCount;
        if (!request.presences() || members.isEmpty()) {
            return send(members, List.of(), more);
        }
        long[] ids = members.stream().mapToLong(member -> member.user().id()).toArray();
        getContext().ask(GuildProtocol.Presences.class, services.guild(request.guildId()),
                services.settings().readyTimeout(), replyTo -> new GuildProtocol.GetPresences(ids, replyTo),
                (presences, failure) -> new PresencesRead(members, more, presences, failure));
        return this;
    }

    private Behavior<Step> onPresences(PresencesRead read) {
        return send(read.members(), read.presences() == null ? List.of() : read.presences().presences(),
                read.more());
    }

    private Behavior<Step> send(List<MemberRecord> members, List<byte[]> presences, boolean more) {
        if (!everyone()) {
            for (byte[] chunk : MemberChunks.encode(request, members, presences, chunkSize)) {
                session.tell(new Delivery.Dispatch(GatewayEvent.GUILD_MEMBERS_CHUNK.name(), chunk));
            }
            return Behaviors.stopped();
        }
        session.tell(new Delivery.Dispatch(GatewayEvent.GUILD_MEMBERS_CHUNK.name(),
                MemberChunks.chunk(request, sent++, chunkCount, members, presences, List.of())));
        if (more) {
            readPage();
            return this;
        }
        return finishEmpty();
    }

    /** The chunks still owed (the members ran out, or a read failed) go out empty, so the client's count completes. */
    private Behavior<Step> finishEmpty() {
        int count = Math.max(chunkCount, 1);
        while (sent < count) {
            session.tell(new Delivery.Dispatch(GatewayEvent.GUILD_MEMBERS_CHUNK.name(),
                    MemberChunks.chunk(request, sent++, count, List.of(), List.of(), List.of())));
        }
        return Behaviors.stopped();
    }
}
