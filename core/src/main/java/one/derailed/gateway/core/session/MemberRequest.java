package one.derailed.gateway.core.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import one.derailed.gateway.core.guild.Guild;
import one.derailed.gateway.core.ready.ReadyWorker;
import one.derailed.gateway.protocol.ClientPayload;
import one.derailed.gateway.store.MemberRecord;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * MemberRequest answers one REQUEST_GUILD_MEMBERS (op 8) of a session, as a short-lived child of it: it applies
 * {@link MemberRequestRules}, reads the members through Ready (off the actor threads), asks the guild for their
 * presences when allowed, and hands each GUILD_MEMBERS_CHUNK to its session, which numbers and sends it like any
 * dispatch.
 *
 * <p>Memory per request is bounded: a whole member list is read and sent one chunk at a time
 * ({@value MemberChunks#MAX_CHUNK_MEMBERS} members), the next page read only once the socket has room for more
 * ({@link Connection#isWritable()}). A session runs at most {@value #MAX_IN_FLIGHT} requests at once; one more is
 * answered with Discord's RATE_LIMITED dispatch ({@code opcode} 8, {@code retry_after}, {@code meta}).
 */
public final class MemberRequest extends AbstractBehavior<MemberRequest.Command> {
    /** Member requests one session may have running. */
    public static final int MAX_IN_FLIGHT = 2;
    /** What RATE_LIMITED tells a client to wait, in seconds: about how long a request takes. */
    static final double RETRY_AFTER_SECONDS = 1.0;
    /** How often a request waiting for the socket to drain looks again. */
    private static final Duration DRAIN_CHECK = Duration.ofMillis(50);
    private static final String CHILD_PREFIX = "members-";
    private static final AtomicLong NAMES = new AtomicLong();

    sealed interface Command {}

    private record Found(ReadyWorker.Result result, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {}

    private record Counted(ReadyWorker.Result result, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {}

    private record WithPresences(List<MemberRecord> members, Guild.Presences presences)
            implements Command, NoSerializationVerificationNeeded {}

    private enum DrainCheck implements Command, NoSerializationVerificationNeeded { INSTANCE }

    /**
     * Answers {@code request} of the session whose context is {@code session}: refused (the socket closes), answered
     * at once, rate limited, or by a child that reads and sends the members.
     */
    public static void start(ActorContext<Session.Command> session, Session.Services services, Connection connection,
                             int intents, boolean inGuild, ClientPayload.RequestGuildMembers request) {
        MemberRequestRules.Decision decision = MemberRequestRules.decide(request, intents, inGuild);
        ActorRef<Session.Command> self = session.getSelf();
        switch (decision) {
            case MemberRequestRules.Refuse refused -> {
                if (connection != null) {
                    connection.close(refused.code(), refused.reason());
                }
            }
            case MemberRequestRules.NotInGuild notInGuild -> self.tell(chunk(
                    MemberChunks.chunk(request, List.of(), List.of(), 0, 1, List.of())));
            default -> {
                if (running(session) >= MAX_IN_FLIGHT) {
                    self.tell(new Session.Dispatch("RATE_LIMITED",
                            MemberChunks.rateLimited(request, RETRY_AFTER_SECONDS)));
                    return;
                }
                session.spawn(Behaviors.<Command>setup(context -> Behaviors.withTimers(timers ->
                                new MemberRequest(context, timers, services, connection, self, request, decision))),
                        CHILD_PREFIX + NAMES.incrementAndGet());
            }
        }
    }

    private static long running(ActorContext<Session.Command> session) {
        return session.getChildren().stream()
                .filter(child -> child.path().name().startsWith(CHILD_PREFIX))
                .count();
    }

    private static Session.Dispatch chunk(byte[] payload) {
        return new Session.Dispatch("GUILD_MEMBERS_CHUNK", payload);
    }

    private final TimerScheduler<Command> timers;
    private final Session.Services services;
    private final Connection connection;
    private final ActorRef<Session.Command> session;
    /** The request as it is answered: presences only when the intents allow them. */
    private final ClientPayload.RequestGuildMembers request;
    private final boolean wholeList;
    private final int wholeListLimit;
    private int chunkCount = 1;
    private int nextChunk;
    private int membersLeft;
    private long after;
    private long drainWaitStartedNanos;

    private MemberRequest(ActorContext<Command> context, TimerScheduler<Command> timers, Session.Services services,
                          Connection connection, ActorRef<Session.Command> session,
                          ClientPayload.RequestGuildMembers asked, MemberRequestRules.Decision decision) {
        super(context);
        this.timers = timers;
        this.services = services;
        this.connection = connection;
        this.session = session;
        switch (decision) {
            case MemberRequestRules.Lookup lookup -> {
                this.request = new ClientPayload.RequestGuildMembers(asked.guildId(), lookup.query(),
                        lookup.userIds(), lookup.limit(), lookup.presences(), asked.nonce());
                this.wholeList = false;
                this.wholeListLimit = 0;
                ask((deadline, replyTo) -> new ReadyWorker.FindMembers(request.guildId(), lookup.query(),
                        lookup.userIds(), lookup.limit(), deadline, replyTo), Found::new);
            }
            case MemberRequestRules.WholeList list -> {
                this.request = new ClientPayload.RequestGuildMembers(asked.guildId(), "", null, list.limit(),
                        list.presences(), asked.nonce());
                this.wholeList = true;
                this.wholeListLimit = list.limit();
                ask((deadline, replyTo) -> new ReadyWorker.CountMembers(request.guildId(), deadline, replyTo),
                        Counted::new);
            }
            default -> throw new IllegalArgumentException("not a read: " + decision);
        }
    }

    /** Asks Ready for one read, with the deadline this request waits until. */
    private void ask(BiFunction<Long, ActorRef<ReadyWorker.Result>, ReadyWorker.Command> command,
                     BiFunction<ReadyWorker.Result, Throwable, Command> answer) {
        long deadline = ReadyWorker.deadlineIn(services.readyTimeout());
        getContext().ask(ReadyWorker.Result.class, services.ready(), services.readyTimeout(),
                replyTo -> command.apply(deadline, replyTo), answer::apply);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Command.class, this::onCommand)
                .build();
    }

    private Behavior<Command> onCommand(Command command) {
        return switch (command) {
            case Counted counted -> onCounted(counted);
            case Found found -> onFound(found);
            case WithPresences ready -> send(ready.members(), ready.presences().presences());
            case DrainCheck check -> nextPage();
        };
    }

    private Behavior<Command> onCounted(Counted counted) {
        if (!(counted.result() instanceof ReadyWorker.MemberCount count)) {
            return failed();
        }
        membersLeft = wholeListLimit == 0 ? count.count() : Math.min(wholeListLimit, count.count());
        chunkCount = Math.max(1, (membersLeft + MemberChunks.MAX_CHUNK_MEMBERS - 1) / MemberChunks.MAX_CHUNK_MEMBERS);
        return readPage();
    }

    private Behavior<Command> readPage() {
        int size = Math.max(1, Math.min(MemberChunks.MAX_CHUNK_MEMBERS, membersLeft));
        ask((deadline, replyTo) -> new ReadyWorker.MembersPage(request.guildId(), after, size, deadline, replyTo),
                Found::new);
        return this;
    }

    private Behavior<Command> onFound(Found found) {
        if (!(found.result() instanceof ReadyWorker.MembersFound members)) {
            return failed();
        }
        List<MemberRecord> page = members.members();
        if (wholeList) {
            page = page.subList(0, Math.min(page.size(), membersLeft));
            membersLeft -= page.size();
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1).userId();
            }
        }
        if (!request.presences() || page.isEmpty()) {
            return send(page, List.of());
        }
        List<MemberRecord> withPresences = page;
        long[] ids = page.stream().mapToLong(MemberRecord::userId).toArray();
        getContext().ask(Guild.Presences.class,
                services.sharding().entityRefFor(Guild.TYPE_KEY, Long.toString(request.guildId())),
                services.readyTimeout(), replyTo -> new Guild.GetPresences(ids, replyTo),
                (presences, failure) -> new WithPresences(withPresences,
                        presences != null ? presences : new Guild.Presences(List.of())));
        return this;
    }

    /** Hands the members' chunk (or, for a lookup, its chunks) to the session; then the next page, or done. */
    private Behavior<Command> send(List<MemberRecord> members, List<byte[]> presences) {
        if (!wholeList) {
            for (byte[] chunk : MemberChunks.encode(request, members, presences, MemberChunks.MAX_CHUNK_MEMBERS)) {
                session.tell(chunk(chunk));
            }
            return Behaviors.stopped();
        }
        session.tell(chunk(MemberChunks.chunk(request, members, presences, nextChunk, chunkCount, List.of())));
        nextChunk++;
        if (nextChunk >= chunkCount) {
            return Behaviors.stopped();
        }
        drainWaitStartedNanos = System.nanoTime();
        return nextPage();
    }

    /**
     * The next page once the socket has room; a socket that stays full past the ready timeout, or closes, ends the
     * request (its client is not reading, and the socket's own bound deals with it).
     */
    private Behavior<Command> nextPage() {
        if (connection == null || !connection.isOpen()) {
            return Behaviors.stopped();
        }
        if (!connection.isWritable()) {
            if (System.nanoTime() - drainWaitStartedNanos > services.readyTimeout().toNanos()) {
                return Behaviors.stopped();
            }
            timers.startSingleTimer(DrainCheck.INSTANCE, DRAIN_CHECK);
            return this;
        }
        if (membersLeft == 0) {
            return send(List.of(), List.of());
        }
        return readPage();
    }

    /** The store did not answer: the chunks still owed go out empty, so the client's request completes. */
    private Behavior<Command> failed() {
        getContext().getLog().warn("member request for guild {} failed", request.guildId());
        if (!wholeList) {
            session.tell(chunk(MemberChunks.chunk(request, List.of(), List.of(), 0, 1, List.of())));
            return Behaviors.stopped();
        }
        for (int index = nextChunk; index < chunkCount; index++) {
            session.tell(chunk(MemberChunks.chunk(request, List.of(), List.of(), index, chunkCount, List.of())));
        }
        return Behaviors.stopped();
    }
}
