package one.derailed.gateway.core.admin;

import java.util.List;
import java.util.Map;
import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.core.session.SessionDescription;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * AdminProtocol is what a node's {@link NodeAdmin} answers for the admin page and API: each node reports for itself,
 * and the node serving the page asks each one ({@link ClusterAdmin}), so these messages cross nodes.
 */
public final class AdminProtocol {
    private AdminProtocol() {}

    /** Every node's admin registers under this key. */
    public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "admin");

    public interface Command extends CborSerializable {}

    /** What this node is and does now, with its rates over the last minutes and its largest guilds. */
    public record GetReport(ActorRef<NodeReport> replyTo) implements Command {}

    /** Describes the sessions numbered {@code sessions} on this node (a user's lookup). */
    public record DescribeSessions(long[] sessions, ActorRef<Described> replyTo) implements Command {}

    /** Describes the session with this session_id, if this node has it. */
    public record FindSession(String sessionId, ActorRef<Described> replyTo) implements Command {}

    /**
     * The sessions described, and where ({@code node}); a session that did not answer in time (it is identifying or
     * moving) is counted in {@code unanswered}, one that had ended in {@code ended}.
     */
    public record Described(String node, List<SessionDescription> sessions, int unanswered, int ended)
            implements CborSerializable {}

    /** Closes the sockets of the sessions numbered {@code sessions} with {@code code} (a gateway close code). */
    public record Disconnect(long[] sessions, int code, String reason, ActorRef<Acted> replyTo) implements Command {}

    /** Sends op 7 to every client of this node's sessions, then a resumable close. */
    public record Reconnect(ActorRef<Acted> replyTo) implements Command {}

    /** Starts this node's graceful leave (Pekko's CoordinatedShutdown, with the gateway's steps in it). */
    public record Drain(ActorRef<Acted> replyTo) implements Command {}

    /** An action taken on {@code node}: how many sessions it reached, and what happened. */
    public record Acted(String node, int sessions, String outcome) implements CborSerializable {}

    /**
     * One node's report. {@code node} is its cluster address (host:port); {@code sockets} is -1 on a node without the
     * websocket role; {@code drain} is null until the node starts leaving.
     */
    public record NodeReport(String node, List<String> roles, long uptimeSeconds, int sessions, int sockets,
                             int liveGuilds, int liveUsers, int relayLanes, long clientBytes, long clientBytesLimit,
                             long heapUsedBytes, long heapMaxBytes, Leaving drain,
                             List<TopGuild> topGuilds, long sampleIntervalMillis, List<Sample> samples)
            implements CborSerializable {}

    /**
     * Where a node's graceful leave is: started at {@code startedAtMillis} (epoch) for {@code reason}; {@code phase}
     * is the last CoordinatedShutdown phase reached, {@code step} what the gateway does in it, {@code sinceStartMillis}
     * when it was reached.
     */
    public record Leaving(long startedAtMillis, String reason, String phase, String step, long sinceStartMillis)
            implements CborSerializable {}

    /** A guild of the node's census. */
    public record TopGuild(long guildId, String name, int online, long members) implements CborSerializable {}

    /**
     * What happened on a node in the sample interval ending at {@code at} (epoch millis, a multiple of the interval):
     * events accepted by its ingress, dispatches handed to its sessions, op 9s sent, sockets closed by close code.
     */
    public record Sample(long at, long published, long delivered, long invalidSessions, Map<String, Long> closes)
            implements CborSerializable {}
}
