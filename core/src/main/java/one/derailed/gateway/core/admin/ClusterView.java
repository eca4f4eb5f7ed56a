package one.derailed.gateway.core.admin;

import java.util.List;
import one.derailed.gateway.core.session.SessionDescription;

/**
 * ClusterView is the cluster as the node serving the admin page sees it: every member with its status and, when it
 * answered in time, its own report; the guilds with the most online members over all nodes; the rates of all nodes
 * added up per sample interval.
 *
 * @param self      the node that built the view (host:port of its cluster address)
 * @param nodes     every member, and every node whose admin answered without being a member (yet)
 * @param topGuilds the largest guilds, from the censuses of the nodes that answered
 * @param samples   per interval, the sum over the nodes that answered
 */
public record ClusterView(String self, long atMillis, List<Node> nodes, List<Guild> topGuilds,
                          long sampleIntervalMillis, List<AdminProtocol.Sample> samples) {

    /**
     * A member: {@code status} is Pekko's member status as this node sees it ({@code Up}, {@code Leaving}, ...),
     * {@code reachable} whether this node's failure detector reaches it. {@code report} is null when the node did
     * not answer in time, and {@code problem} says why.
     */
    public record Node(String node, String status, boolean reachable, List<String> roles,
                       AdminProtocol.NodeReport report, String problem) {}

    public record Guild(long guildId, String name, int online, long members, String node) {}

    /** A user's sessions as their nodes describe them ({@code username} null when the store has no such user). */
    public record User(long userId, String username, int sessions, List<Session> described,
                       List<String> unansweredNodes, int unanswered) {}

    /** One session and the node it lives on. */
    public record Session(String node, SessionDescription description) {}

    /** What an action did, node by node; {@code unansweredNodes} did not confirm it in time. */
    public record Action(int sessions, List<AdminProtocol.Acted> nodes, List<String> unansweredNodes) {}
}
