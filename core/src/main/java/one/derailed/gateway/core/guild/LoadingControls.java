package one.derailed.gateway.core.guild;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import one.derailed.gateway.core.relay.RelayProtocol;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * LoadingControls is what sessions said while their guild was loading that must not wait in its bounded stash:
 * unsubscribes and presence changes. They are kept per session (so there are never more than sessions), folded into
 * the subscriptions held in the stash when the guild goes live (an unsubscribe cancels its subscription, the latest
 * presence replaces the one subscribed with), and the rest applied after. It also remembers which held subscriptions
 * were told the guild is down, so they get a whole GUILD_CREATE.
 */
final class LoadingControls {
    private record Key(ActorRef<RelayProtocol.Command> relay, long session) {}

    private final Set<Key> held = new HashSet<>();
    private final Map<Key, GuildProtocol.Unsubscribe> unsubscribed = new HashMap<>();
    private final Map<Key, GuildProtocol.UpdatePresence> presences = new HashMap<>();
    private final Set<Key> toldDown = new HashSet<>();
    private boolean done;

    /** Controls of a guild that never loaded (tests, or one built live). */
    static LoadingControls none() {
        LoadingControls none = new LoadingControls();
        none.done = true;
        return none;
    }

    void held(ActorRef<RelayProtocol.Command> relay, long session) {
        held.add(new Key(relay, session));
    }

    void unsubscribe(GuildProtocol.Unsubscribe unsubscribe) {
        Key key = new Key(unsubscribe.relay(), unsubscribe.session());
        presences.remove(key);
        unsubscribed.put(key, unsubscribe);
    }

    void updatePresence(GuildProtocol.UpdatePresence update) {
        Key key = new Key(update.relay(), update.session());
        if (!unsubscribed.containsKey(key)) {
            presences.put(key, update);
        }
    }

    void markToldDown(ActorRef<RelayProtocol.Command> relay, long session) {
        toldDown.add(new Key(relay, session));
    }

    /** Whether a held subscription was cancelled by an unsubscribe while it waited. */
    boolean cancelled(ActorRef<RelayProtocol.Command> relay, long session) {
        if (done) {
            return false;
        }
        Key key = new Key(relay, session);
        return held.contains(key) && unsubscribed.remove(key) != null;
    }

    /** The subscription with the presence its session set while it waited, if it set one. */
    GuildProtocol.Subscribe withLatestPresence(GuildProtocol.Subscribe subscribe) {
        if (done) {
            return subscribe;
        }
        GuildProtocol.UpdatePresence latest = presences.remove(new Key(subscribe.relay(), subscribe.session()));
        return latest == null ? subscribe : GuildLive.withPresence(subscribe, latest.presence());
    }

    boolean toldDown(ActorRef<RelayProtocol.Command> relay, long session) {
        return !done && toldDown.contains(new Key(relay, session));
    }

    /** The controls that matched no held subscription, to apply as they came; after this, the controls are spent. */
    List<GuildProtocol.Command> remaining() {
        List<GuildProtocol.Command> rest = new ArrayList<>(unsubscribed.values());
        rest.addAll(presences.values());
        held.clear();
        unsubscribed.clear();
        presences.clear();
        toldDown.clear();
        done = true;
        return rest;
    }
}
