package one.derailed.gateway.core.session;

import java.util.ArrayList;
import java.util.List;
import one.derailed.gateway.core.collections.LongObjectMap;

/**
 * Subscriptions is where a session is subscribed: per guild, how far its subscription has got, which incarnation of
 * the guild serves it, and whether the client has the guild (got its GUILD_CREATE and no GUILD_DELETE since). A
 * session may move to another node only when every subscription is settled: none is on its way to a guild or waiting
 * for its member object, so that no guild can see the move before the subscription it replaces.
 */
final class Subscriptions {

    /** How far a subscription has got. */
    enum Stage {
        /** Its member object is being read, before subscribing (a join, a renewal). */
        LOADING_MEMBER,
        /** Sent to the guild, not answered yet. */
        REQUESTED,
        /** The guild took it. */
        TAKEN,
        /** The guild holds it but cannot serve it yet (its store is down); it answers when it can. */
        DOWN,
        /** Not held anywhere: it is sent again when its timer fires. */
        RETRYING;

        boolean settled() {
            return this != LOADING_MEMBER && this != REQUESTED;
        }
    }

    /** One guild's subscription. */
    static final class Subscription {
        Stage stage;
        long incarnation;
        boolean clientHas;
        int attempts;

        private Subscription(Stage stage, long incarnation, boolean clientHas) {
            this.stage = stage;
            this.incarnation = incarnation;
            this.clientHas = clientHas;
        }

        /** The incarnation a new subscription renews from: the one serving the client, or 0 to get the guild whole. */
        long renews() {
            return clientHas ? incarnation : 0;
        }
    }

    private final LongObjectMap<Subscription> guilds = new LongObjectMap<>();
    private int unsettled;

    Subscription get(long guildId) {
        return guilds.get(guildId);
    }

    boolean contains(long guildId) {
        return guilds.containsKey(guildId);
    }

    int size() {
        return guilds.size();
    }

    /** Whether nothing is on its way: the session may move. */
    boolean settled() {
        return unsettled == 0;
    }

    /** Adds a guild at {@code stage}, or moves it there; returns it. */
    Subscription at(long guildId, Stage stage) {
        Subscription subscription = guilds.get(guildId);
        if (subscription == null) {
            subscription = new Subscription(stage, 0, false);
            guilds.put(guildId, subscription);
            if (!stage.settled()) {
                unsettled++;
            }
            return subscription;
        }
        if (subscription.stage.settled() != stage.settled()) {
            unsettled += stage.settled() ? -1 : 1;
        }
        subscription.stage = stage;
        return subscription;
    }

    /** The guild took the subscription: {@code incarnation} serves it now. */
    Subscription taken(long guildId, long incarnation) {
        Subscription subscription = at(guildId, Stage.TAKEN);
        subscription.incarnation = incarnation;
        subscription.attempts = 0;
        return subscription;
    }

    /** Forgets the guild; returns its subscription, or null when there was none. */
    Subscription remove(long guildId) {
        Subscription subscription = guilds.remove(guildId);
        if (subscription != null && !subscription.stage.settled()) {
            unsettled--;
        }
        return subscription;
    }

    long[] ids() {
        long[] ids = new long[guilds.size()];
        int[] next = {0};
        guilds.forEach((id, subscription) -> ids[next[0]++] = id);
        return ids;
    }

    /** Calls {@code action} with every guild and its subscription. */
    void forEach(LongObjectMap.Consumer<Subscription> action) {
        guilds.forEach(action);
    }

    /** Every subscription as it moves to another node (the session must be settled). */
    List<MoveProtocol.CarriedGuild> carry() {
        List<MoveProtocol.CarriedGuild> carried = new ArrayList<>(guilds.size());
        guilds.forEach((id, s) -> carried.add(new MoveProtocol.CarriedGuild(id, s.incarnation, s.clientHas,
                s.stage == Stage.TAKEN || s.stage == Stage.DOWN)));
        return carried;
    }

    /** Takes over a moved session's subscriptions: held ones as they were, the rest to be sent anew. */
    void restore(List<MoveProtocol.CarriedGuild> carried) {
        for (MoveProtocol.CarriedGuild guild : carried) {
            Subscription subscription = at(guild.guildId(), guild.held() ? Stage.TAKEN : Stage.RETRYING);
            subscription.incarnation = guild.incarnation();
            subscription.clientHas = guild.clientHas();
        }
    }
}
