package one.derailed.gateway.core.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import one.derailed.gateway.core.session.HandoffProtocol.Claim;
import one.derailed.gateway.core.session.HandoffProtocol.Command;
import one.derailed.gateway.core.session.HandoffProtocol.Evacuate;
import one.derailed.gateway.core.session.HandoffProtocol.Evacuated;
import one.derailed.gateway.core.session.HandoffProtocol.Locate;
import one.derailed.gateway.core.session.HandoffProtocol.Located;
import one.derailed.gateway.core.session.HandoffProtocol.NotHere;
import one.derailed.gateway.core.session.MoveProtocol.Adopt;
import one.derailed.gateway.core.session.MoveProtocol.Refused;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SessionHandoff moves sessions between nodes, one per node. A client that resumes on a node that does not hold its
 * session gets it moved here from whichever node does (asked of every peer, since after a move a session_id says
 * nothing of where it lives); a node that leaves gracefully first moves every session it holds to its peers. The
 * session itself does the moving (see {@link MoveProtocol.Snapshot}); this actor finds it and starts its new incarnation.
 */
public final class SessionHandoff extends AbstractBehavior<HandoffProtocol.Command> {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandoff.class);

    private record PeersChanged(Receptionist.Listing listing) implements Command, NoSerializationVerificationNeeded {}

    private record LocateTimedOut(String sessionId) implements Command, NoSerializationVerificationNeeded {}

    private record ClaimAgain(String sessionId) implements Command, NoSerializationVerificationNeeded {}

    /** How long a claim waits before it is made again when the session was busy moving. */
    private static final Duration CLAIM_RETRY = Duration.ofMillis(100);

    /** Sessions are moving to the other nodes until {@code deadlineNanos}. */
    private record CheckEvacuation(ActorRef<Evacuated> replyTo, long deadlineNanos)
            implements Command, NoSerializationVerificationNeeded {}

    /** {@code stayed} sessions could not move and were told to end; they are waited for until {@code deadlineNanos}. */
    private record CheckEnded(ActorRef<Evacuated> replyTo, long deadlineNanos, int stayed)
            implements Command, NoSerializationVerificationNeeded {}

    /** How long sessions that could not move get to end (unsubscribe, detach) before the shards are handed off. */
    static final Duration END_WAIT = Duration.ofSeconds(2);

    public static Behavior<Command> create(SessionServices services, Duration locateTimeout) {
        return Behaviors.supervise(Behaviors.<Command>setup(context -> Behaviors.withTimers(
                timers -> new SessionHandoff(context, timers, services, locateTimeout))))
                .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restart());
    }

    /**
     * A Locate in progress: who waits, how many peers have not said "not here" yet, and whether one said the session
     * is moving (then it exists: "not here" from everyone only means it is between nodes, or a reply of an earlier
     * round came late, and the locate waits for it to land until its timeout).
     */
    private static final class Pending {
        final String token;
        final List<ActorRef<Located>> waiting = new ArrayList<>();
        int unanswered;
        boolean moving;

        Pending(String token) {
            this.token = token;
        }
    }

    private final TimerScheduler<Command> timers;
    private final SessionServices services;
    private final Duration locateTimeout;
    private Set<ActorRef<Command>> peers = Set.of();
    private final Map<String, Pending> pending = new HashMap<>();
    private int nextPeer;

    private SessionHandoff(ActorContext<Command> context, TimerScheduler<Command> timers, SessionServices services,
                           Duration locateTimeout) {
        super(context);
        this.timers = timers;
        this.services = services;
        this.locateTimeout = locateTimeout;
        context.getSystem().receptionist().tell(Receptionist.register(HandoffProtocol.SERVICE_KEY, context.getSelf()));
        ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class,
                PeersChanged::new);
        context.getSystem().receptionist().tell(Receptionist.subscribe(HandoffProtocol.SERVICE_KEY, listings));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(PeersChanged.class, this::onPeersChanged)
                .onMessage(Locate.class, this::onLocate)
                .onMessage(Claim.class, this::onClaim)
                .onMessage(NotHere.class, notHere -> answerIfAllSaidNo(notHere.sessionId()))
                .onMessage(Refused.class, this::onRefused)
                .onMessage(MoveProtocol.Coming.class, this::onComing)
                .onMessage(ClaimAgain.class, this::onClaimAgain)
                .onMessage(LocateTimedOut.class, timedOut -> notFound(timedOut.sessionId(), "timed out"))
                .onMessage(Adopt.class, this::onAdopt)
                .onMessage(Evacuate.class, this::onEvacuate)
                .onMessage(CheckEvacuation.class, this::onCheckEvacuation)
                .onMessage(CheckEnded.class, this::onCheckEnded)
                .build();
    }

    private Behavior<Command> onPeersChanged(PeersChanged changed) {
        Set<ActorRef<Command>> others = new java.util.HashSet<>(
                changed.listing().getServiceInstances(HandoffProtocol.SERVICE_KEY));
        others.remove(getContext().getSelf());
        boolean someLeft = !others.containsAll(peers);
        peers = Set.copyOf(others);
        if (someLeft) {
            // A peer that left unheard may have moved the session to one that had already said "not here" (the claim
            // got there first): claim again of those left. Its answer may yet come late, so a round of "not here"
            // no longer ends the locate before its timeout.
            pending.forEach((sessionId, claim) -> {
                claim.moving = true;
                claim(sessionId, claim);
            });
        }
        return this;
    }

    private Behavior<Command> onLocate(Locate locate) {
        // The caller looked here before it asked, but the session may have been adopted here since: its peers would
        // all say "not here" (its old node let it go), and its client would be told op 9.
        ActorRef<SessionProtocol.Command> here = services.directory().bySessionId(locate.sessionId());
        if (here != null) {
            locate.replyTo().tell(new Located(here));
            return this;
        }
        Pending waiting = pending.get(locate.sessionId());
        if (waiting != null) {
            waiting.waiting.add(locate.replyTo());
            return this;
        }
        if (peers.isEmpty()) {
            LOG.debug("locate of session {}: not found (no peers)", locate.sessionId());
            locate.replyTo().tell(new Located(null));
            return this;
        }
        LOG.debug("locate of session {}: claiming it of {}", locate.sessionId(),
                peers.stream().map(peer -> peer.path().address().toString()).toList());
        Pending claim = new Pending(locate.token());
        claim.waiting.add(locate.replyTo());
        pending.put(locate.sessionId(), claim);
        claim(locate.sessionId(), claim);
        timers.startSingleTimer(locate.sessionId(), new LocateTimedOut(locate.sessionId()), locateTimeout);
        return this;
    }

    private void claim(String sessionId, Pending claim) {
        claim.unanswered = peers.size();
        for (ActorRef<Command> peer : peers) {
            peer.tell(new Claim(sessionId, claim.token, getContext().getSelf()));
        }
    }

    private Behavior<Command> onRefused(Refused refused) {
        if (!refused.busy()) {
            return notFound(refused.sessionId(), "its owner refused the claim");
        }
        Pending claim = pending.get(refused.sessionId());
        if (claim != null) {
            claim.moving = true;
            timers.startSingleTimer("again-" + refused.sessionId(), new ClaimAgain(refused.sessionId()), CLAIM_RETRY);
        }
        return this;
    }

    /**
     * The session took the claim but is still settling after a move before (a leaving node's sessions are moved off
     * it while their clients already resume elsewhere): it comes within its move timeout, so the claim waits as long.
     */
    private Behavior<Command> onComing(MoveProtocol.Coming coming) {
        if (pending.containsKey(coming.sessionId())) {
            timers.startSingleTimer(coming.sessionId(), new LocateTimedOut(coming.sessionId()),
                    services.settings().handoff().moveTimeout());
        }
        return this;
    }

    /** The session was moving; it may have landed here meanwhile, or anywhere else. */
    private Behavior<Command> onClaimAgain(ClaimAgain again) {
        Pending claim = pending.get(again.sessionId());
        if (claim == null) {
            return this;
        }
        ActorRef<SessionProtocol.Command> local = services.directory().bySessionId(again.sessionId());
        if (local != null) {
            return answer(again.sessionId(), local);
        }
        claim(again.sessionId(), claim);
        return this;
    }

    private Behavior<Command> onClaim(Claim claim) {
        ActorRef<SessionProtocol.Command> session = services.directory().bySessionId(claim.sessionId());
        if (session == null && services.directory().movedAwayRecently(claim.sessionId())) {
            // The node it moved to may not have it yet (this claim reached it first): claim again, there.
            claim.claimant().tell(new Refused(claim.sessionId(), true));
        } else if (session == null) {
            claim.claimant().tell(new NotHere(claim.sessionId()));
        } else {
            session.tell(new MoveProtocol.MoveTo(claim.claimant(), claim.token()));
        }
        return this;
    }

    private Behavior<Command> answerIfAllSaidNo(String sessionId) {
        Pending waiting = pending.get(sessionId);
        if (waiting != null && --waiting.unanswered == 0 && !waiting.moving) {
            return notFound(sessionId, "every peer said it is not there");
        }
        return this;
    }

    /** The locate of {@code sessionId} ends without a session (its client gets op 9), for the reason given. */
    private Behavior<Command> notFound(String sessionId, String why) {
        if (pending.containsKey(sessionId)) {
            LOG.debug("locate of session {}: not found ({})", sessionId, why);
        }
        return answer(sessionId, null);
    }

    private Behavior<Command> answer(String sessionId, ActorRef<SessionProtocol.Command> session) {
        Pending waiting = pending.remove(sessionId);
        if (waiting != null) {
            timers.cancel(sessionId);
            timers.cancel("again-" + sessionId);
            waiting.waiting.forEach(replyTo -> replyTo.tell(new Located(session)));
        }
        return this;
    }

    private Behavior<Command> onAdopt(Adopt adopt) {
        MoveProtocol.Snapshot snapshot = adopt.snapshot();
        if (services.directory().bySessionId(snapshot.sessionId()) != null) {
            snapshot.session().tell(new MoveProtocol.AdoptionFailed("a session with that id already lives there"));
            return notFound(snapshot.sessionId(), "adopted twice");
        }
        SessionDirectory.SessionIdentity identity = services.directory().adoptedIdentity(snapshot.sessionId());
        // Beside the node's other sessions (not under this actor), so a restart here cannot touch them.
        ActorRef<SessionProtocol.Command> session = getContext().getSystem().systemActorOf(
                Session.adopt(services, identity, snapshot), "session-" + identity.number(), SessionLauncher.MAILBOX);
        services.directory().listMovedIn(snapshot.sessionId(), session);
        services.metrics().sessionMovedIn();
        return answer(snapshot.sessionId(), session);
    }

    /**
     * Sessions go to the peers in turn. A session that cannot move (still identifying, or already moving) stays and
     * ends with the node: its client identifies anew.
     */
    private Behavior<Command> onEvacuate(Evacuate evacuate) {
        List<ActorRef<Command>> targets = new ArrayList<>(peers);
        if (targets.isEmpty()) {
            endRemaining(evacuate.replyTo());
            return this;
        }
        services.directory().forEach(session ->
                session.tell(new MoveProtocol.MoveTo(targets.get(nextPeer++ % targets.size()), null)));
        getContext().getSelf().tell(new CheckEvacuation(evacuate.replyTo(),
                System.nanoTime() + evacuate.deadline().toNanos()));
        return this;
    }

    private Behavior<Command> onCheckEvacuation(CheckEvacuation check) {
        if (services.directory().size() == 0) {
            check.replyTo().tell(new Evacuated(0));
        } else if (System.nanoTime() < check.deadlineNanos()) {
            timers.startSingleTimer(check, Duration.ofMillis(50));
        } else {
            endRemaining(check.replyTo());
        }
        return this;
    }

    private Behavior<Command> onCheckEnded(CheckEnded check) {
        if (services.directory().size() == 0 || System.nanoTime() >= check.deadlineNanos()) {
            // any that did not end in time end with the actor system
            check.replyTo().tell(new Evacuated(check.stayed()));
        } else {
            timers.startSingleTimer(check, Duration.ofMillis(50));
        }
        return this;
    }

    /** The sessions that could not move end now, while their guilds and users still hear them; then the answer. */
    private void endRemaining(ActorRef<Evacuated> replyTo) {
        int stayed = services.directory().size();
        services.directory().forEach(session -> session.tell(SessionProtocol.EndWithNode.INSTANCE));
        getContext().getSelf().tell(new CheckEnded(replyTo, System.nanoTime() + END_WAIT.toNanos(), stayed));
    }
}
