package one.derailed.gateway.core.session;

import java.time.Duration;
import java.util.List;
import one.derailed.gateway.core.guild.GuildProtocol;
import one.derailed.gateway.core.ready.ReadyProtocol;
import one.derailed.gateway.core.session.SessionProtocol.Command;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.protocol.GatewayEvent;
import one.derailed.gateway.store.MemberRecord;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractMatchingBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MemberRequest answers one op 8, as a short-lived child of its session: it applies {@link MemberRequestRules},
 * reads the members from the store (through Ready, a page of at most one chunk at a time, so a request for every
 * member of a large guild holds one chunk's members at once, and reads the next only once the socket has room),
 * asks the guild for their presences if allowed, and hands each GUILD_MEMBERS_CHUNK to its session, which numbers
 * it. A session runs at most {@value #MAX_IN_FLIGHT} at once; one more gets Discord's RATE_LIMITED. If a read fails
 * midway, the chunks still owed are sent empty, so the client's count completes.
 */
final class MemberRequest extends AbstractMatchingBehavior<MemberRequest.Step> {
    private static final Logger LOG = LoggerFactory.getLogger(MemberRequest.class);

    interface Step extends NoSerializationVerificationNeeded {}

    private record PageRead(ReadyProtocol.Result result, Throwable failure) implements Step {}

    private record PresencesRead(List<MemberRecord> members, boolean more, GuildProtocol.Presences presences,
                                 Throwable failure) implements Step {}

    private enum DrainCheck implements Step { INSTANCE }

    /** Member requests one session may have running. */
    static final int MAX_IN_FLIGHT = 2;
    /** What RATE_LIMITED tells a client to wait, in seconds: about how long a request takes. */
    static final double RETRY_AFTER_SECONDS = 1.0;
    /** How often a request waiting for its socket to drain looks again. */
    private static final Duration DRAIN_CHECK = Duration.ofMillis(50);

    /**
     * Checks an op 8 against Discord's rules and starts answering it; returns the session's next behaviour
     * ({@code current}, or stopped when the request closes the connection).
     */
    static Behavior<Command> start(SessionState state, ClientPayload.RequestGuildMembers request,
                                   Behavior<Command> current) {
        MemberRequestRules.Decision decision = MemberRequestRules.decide(request, state.intents,
                state.guilds.contains(request.guildId()));
        return switch (decision) {
            case MemberRequestRules.Refuse refused -> state.closeWith(refused.code(), refused.reason());
            case MemberRequestRules.NotInGuild notInGuild -> {
                state.dispatch(GatewayEvent.GUILD_MEMBERS_CHUNK.name(), MemberChunks.chunk(request, 0, 1, List.of(),
                        List.of(), request.userIds() == null ? List.of()
                                : java.util.Arrays.stream(request.userIds()).boxed().toList()));
                yield current;
            }
            default -> {
                if (state.memberRequests >= MAX_IN_FLIGHT) {
                    state.dispatch("RATE_LIMITED", MemberChunks.rateLimited(request, RETRY_AFTER_SECONDS));
                    yield current;
                }
                ActorRef<Step> child = state.context.spawnAnonymous(Behaviors.setup(context -> Behaviors.withTimers(
                        timers -> new MemberRequest(context, timers, state, answered(request, decision)))));
                state.memberRequests++;
                state.context.watchWith(child, SessionSignals.MemberRequestDone.INSTANCE);
                yield current;
            }
        };
    }

    /** The request as it is answered: presences only where the intents allow them, the limit as the rules say. */
    private static ClientPayload.RequestGuildMembers answered(ClientPayload.RequestGuildMembers asked,
                                                            MemberRequestRules.Decision decision) {
        return switch (decision) {
            case MemberRequestRules.Lookup lookup -> new ClientPayload.RequestGuildMembers(asked.guildId(),
                    lookup.query() == null ? "" : lookup.query(), lookup.userIds(), lookup.limit(), lookup.presences(),
                    asked.nonce());
            case MemberRequestRules.WholeList list -> new ClientPayload.RequestGuildMembers(asked.guildId(), "", null,
                    list.limit(), list.presences(), asked.nonce());
            default -> asked;
        };
    }

    private final TimerScheduler<Step> timers;
    private final SessionServices services;
    private final ActorRef<Command> session;
    /** The socket the request came on: pages wait for it to have room. Null once the client is away. */
    private final Connection connection;
    private final ClientPayload.RequestGuildMembers request;
    private final int chunkSize;
    /** For the whole member list: how many at most (0: all), how many chunks in all once known, and how far. */
    private final int most;
    private int chunkCount = -1;
    private int sent;
    private long lastUserId;
    private long drainWaitStartedNanos;

    private MemberRequest(ActorContext<Step> context, TimerScheduler<Step> timers, SessionState state,
                          ClientPayload.RequestGuildMembers request) {
        super(context);
        this.timers = timers;
        this.services = state.services;
        this.session = state.context.getSelf();
        this.connection = state.connection;
        this.request = request;
        this.chunkSize = services.limits().memberChunkSize();
        this.most = wholeList() ? request.limit() : 0;
        readPage();
    }

    private boolean wholeList() {
        return request.userIds() == null && request.query().isEmpty();
    }

    private void readPage() {
        int pageSize = most > 0 ? Math.min(chunkSize, most - sent * chunkSize) : chunkSize;
        long after = lastUserId;
        getContext().ask(ReadyProtocol.Result.class, services.ready(), services.settings().readyTimeout(),
                replyTo -> new ReadyProtocol.FindMembers(request.guildId(), request.query(), request.userIds(),
                        request.limit(), after, pageSize,
                        ReadyProtocol.deadlineIn(services.settings().readyTimeout()), replyTo),
                PageRead::new);
    }

    @Override
    public Behavior<Step> onMessage(Step step) {
        return switch (step) {
            case PageRead read -> onPage(read);
            case PresencesRead read -> send(read.members(),
                    read.presences() == null ? List.of() : read.presences().presences(), read.more());
            case DrainCheck check -> nextPage();
            default -> this;
        };
    }

    private Behavior<Step> onPage(PageRead read) {
        if (!(read.result() instanceof ReadyProtocol.MembersFound found)) {
            LOG.warn("member request for guild {} failed: {}", request.guildId(),
                    read.failure() != null ? read.failure().toString() : read.result());
            return finishEmpty();
        }
        if (chunkCount < 0) {
            long total = wholeList() && found.total() >= 0
                    ? (most > 0 ? Math.min(most, found.total()) : found.total()) : found.members().size();
            chunkCount = (int) Math.max(1, (total + chunkSize - 1) / chunkSize);
        }
        List<MemberRecord> members = found.members();
        if (!members.isEmpty()) {
            lastUserId = members.get(members.size() - 1).user().id();
        }
        boolean more = wholeList() && found.more() && sent + 1 < chunkCount;
        if (!request.presences() || members.isEmpty()) {
            return send(members, List.of(), more);
        }
        long[] ids = members.stream().mapToLong(member -> member.user().id()).toArray();
        getContext().ask(GuildProtocol.Presences.class, services.guild(request.guildId()),
                services.settings().readyTimeout(), replyTo -> new GuildProtocol.GetPresences(ids, replyTo),
                (presences, failure) -> new PresencesRead(members, more, presences, failure));
        return this;
    }

    private Behavior<Step> send(List<MemberRecord> members, List<byte[]> presences, boolean more) {
        if (!wholeList()) {
            for (byte[] chunk : MemberChunks.encode(request, members, presences, chunkSize)) {
                session.tell(new Delivery.Dispatch(GatewayEvent.GUILD_MEMBERS_CHUNK.name(), chunk));
            }
            return Behaviors.stopped();
        }
        session.tell(new Delivery.Dispatch(GatewayEvent.GUILD_MEMBERS_CHUNK.name(),
                MemberChunks.chunk(request, sent++, chunkCount, members, presences, List.of())));
        if (!more) {
            return finishEmpty();
        }
        drainWaitStartedNanos = System.nanoTime();
        return nextPage();
    }

    /**
     * The next page once the socket has room; a socket that stays full past the ready timeout, or closes, ends the
     * request (its client is not reading, and the socket's own bound deals with it).
     */
    private Behavior<Step> nextPage() {
        if (connection != null && !connection.isWritable()) {
            if (!connection.isOpen()
                    || System.nanoTime() - drainWaitStartedNanos > services.settings().readyTimeout().toNanos()) {
                return Behaviors.stopped();
            }
            timers.startSingleTimer(DrainCheck.INSTANCE, DRAIN_CHECK);
            return this;
        }
        readPage();
        return this;
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
