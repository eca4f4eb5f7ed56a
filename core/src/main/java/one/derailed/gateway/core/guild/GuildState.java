package one.derailed.gateway.core.guild;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import one.derailed.gateway.core.collections.LongObjectMap;
import one.derailed.gateway.core.discord.GuildCreateObject;
import one.derailed.gateway.core.discord.MemberObject;
import one.derailed.gateway.core.discord.PresenceObject;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.protocol.Intents;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * GuildState is who is in a guild right now, with no actor in it: its online members (a member object per online
 * user, never the offline ones), their presences, and the subscribed sessions grouped by the node (relay) they live
 * on. Nothing here is ever written to the database. The guild object itself is {@link GuildDocument}.
 *
 * <p>It is laid out for a million online members with a million sessions (docs/benchmarks.md, "A million members in
 * one guild"): members sit in a primitive-keyed open-addressed map, one small object each that holds the member
 * object as given, and its only session inline (a user with several sessions spills them into arrays); presences
 * are folded onto shared instances ({@link CanonicalPresences}); each node's sessions are parallel primitive arrays
 * ({@link NodeSubscribers}), so a fan-out is a linear pass with one bit test per session.
 */
final class GuildState {
    private final long guildId;
    private final LongObjectMap<OnlineMember> online = new LongObjectMap<>();
    /** Few entries: one per node with subscribers here. Its keys are the relay instances every entry shares. */
    private final HashMap<ActorRef<RelayProtocol.Command>, NodeSubscribers> nodes = new HashMap<>();
    private int subscriberCount;
    /** The bytes of every online member's object, so a GUILD_CREATE's size is known before it is built. */
    private long memberBytes;

    GuildState(long guildId) {
        this.guildId = guildId;
    }

    /**
     * An online member: the member object, encoded once, and the user's sessions here with the presence each set.
     * One session (the usual case) is held inline: {@code where} is its relay, {@code session} its number and
     * {@code latest} its presence, 32 bytes in all. With several, {@code where} is a {@link Sessions} in the order
     * they subscribed, and {@code latest} the presence most recently set by any of them.
     */
    static final class OnlineMember {
        byte[] member;
        private Object where;
        private long session;
        Presence latest;

        OnlineMember(byte[] member) {
            this.member = member;
        }

        int sessionCount() {
            return where == null ? 0 : where instanceof Sessions several ? several.size : 1;
        }

        @SuppressWarnings("unchecked")
        ActorRef<RelayProtocol.Command> relay(int i) {
            return where instanceof Sessions several ? several.relay(i) : (ActorRef<RelayProtocol.Command>) where;
        }

        long session(int i) {
            return where instanceof Sessions several ? several.numbers[i] : session;
        }

        Presence presence(int i) {
            return where instanceof Sessions several ? several.presences[i] : latest;
        }

        private int indexOf(ActorRef<RelayProtocol.Command> relay, long number) {
            if (where instanceof Sessions several) {
                for (int i = 0; i < several.size; i++) {
                    if (several.numbers[i] == number && several.relays[i].equals(relay)) {
                        return i;
                    }
                }
                return -1;
            }
            return where != null && session == number && where.equals(relay) ? 0 : -1;
        }

        /** Appends a session that is not here yet; its presence becomes the latest. */
        void add(ActorRef<RelayProtocol.Command> relay, long number, Presence presence) {
            if (where == null) {
                where = relay;
                session = number;
            } else {
                Sessions several = where instanceof Sessions s ? s : new Sessions(where, session, latest);
                several.add(relay, number, presence);
                where = several;
                session = 0;
            }
            latest = presence;
        }

        /** Removes a session if it is here, keeping the others in order; {@code latest} is left to the caller. */
        boolean remove(ActorRef<RelayProtocol.Command> relay, long number) {
            int i = indexOf(relay, number);
            if (i < 0) {
                return false;
            }
            if (!(where instanceof Sessions several)) {
                where = null;
                return true;
            }
            several.remove(i);
            if (several.size == 1) {
                where = several.relays[0];
                session = several.numbers[0];
                latest = several.presences[0];
            }
            return true;
        }

        /** Puts another session in a session's place, keeping its presence; false when that session is not here. */
        boolean replace(ActorRef<RelayProtocol.Command> relay, long number, ActorRef<RelayProtocol.Command> newRelay, long newNumber) {
            int i = indexOf(relay, number);
            if (i < 0) {
                return false;
            }
            if (where instanceof Sessions several) {
                several.relays[i] = newRelay;
                several.numbers[i] = newNumber;
            } else {
                where = newRelay;
                session = newNumber;
            }
            return true;
        }

        /** Sets a session's presence, which becomes the latest; false when the session is not here. */
        boolean update(ActorRef<RelayProtocol.Command> relay, long number, Presence presence) {
            int i = indexOf(relay, number);
            if (i < 0) {
                return false;
            }
            if (where instanceof Sessions several) {
                several.presences[i] = presence;
            }
            latest = presence;
            return true;
        }
    }

    /** The sessions of a user who has more than one here, in the order they subscribed. */
    private static final class Sessions {
        Object[] relays = new Object[4];
        long[] numbers = new long[4];
        Presence[] presences = new Presence[4];
        int size;

        Sessions(Object relay, long number, Presence presence) {
            relays[0] = relay;
            numbers[0] = number;
            presences[0] = presence;
            size = 1;
        }

        @SuppressWarnings("unchecked")
        ActorRef<RelayProtocol.Command> relay(int i) {
            return (ActorRef<RelayProtocol.Command>) relays[i];
        }

        void add(Object relay, long number, Presence presence) {
            if (size == numbers.length) {
                relays = Arrays.copyOf(relays, size * 2);
                numbers = Arrays.copyOf(numbers, size * 2);
                presences = Arrays.copyOf(presences, size * 2);
            }
            relays[size] = relay;
            numbers[size] = number;
            presences[size] = presence;
            size++;
        }

        void remove(int i) {
            int after = size - i - 1;
            System.arraycopy(relays, i + 1, relays, i, after);
            System.arraycopy(numbers, i + 1, numbers, i, after);
            System.arraycopy(presences, i + 1, presences, i, after);
            size--;
            relays[size] = null;
            presences[size] = null;
        }
    }

    long guildId() {
        return guildId;
    }

    int onlineCount() {
        return online.size();
    }

    int subscriberCount() {
        return subscriberCount;
    }

    /** Whether others currently see {@code userId} online (invisible users they do not). */
    boolean isVisiblyOnline(long userId) {
        OnlineMember entry = online.get(userId);
        return entry != null && entry.latest.visibleToOthers();
    }

    /** Adds a session; true when it is the user's first here, so the user just came online. */
    boolean subscribe(ActorRef<RelayProtocol.Command> relay, long session, long userId, int intents, byte[] member,
                      Presence presence) {
        NodeSubscribers node = nodes.get(relay);
        if (node == null) {
            node = new NodeSubscribers(relay);
            nodes.put(relay, node);
        }
        if (node.put(session, userId, intents)) {
            subscriberCount++;
        }
        ActorRef<RelayProtocol.Command> shared = node.relay;
        OnlineMember entry = online.get(userId);
        boolean cameOnline = entry == null;
        if (cameOnline) {
            entry = new OnlineMember(member);
            online.put(userId, entry);
            memberBytes += member.length;
        } else {
            memberBytes += member.length - entry.member.length;
            entry.member = member;
            entry.remove(shared, session);
        }
        entry.add(shared, session, CanonicalPresences.of(presence));
        return cameOnline;
    }

    /** Whether the session numbered {@code session} on {@code relay}'s node is subscribed here. */
    boolean has(ActorRef<RelayProtocol.Command> relay, long session) {
        NodeSubscribers node = nodes.get(relay);
        return node != null && node.contains(session);
    }

    /**
     * Moves a session to another node (a session handed over on RESUME or on a node's graceful leave): it keeps its
     * place, member object and presence, so nobody sees it go or come. False when the session is not here.
     */
    boolean move(ActorRef<RelayProtocol.Command> relay, long session, ActorRef<RelayProtocol.Command> newRelay, long newSession,
                 long userId, int intents) {
        OnlineMember entry = online.get(userId);
        NodeSubscribers from = nodes.get(relay);
        if (entry == null || from == null || !from.contains(session)) {
            return false;
        }
        from.remove(session);
        if (from.isEmpty()) {
            nodes.remove(relay);
        }
        NodeSubscribers to = nodes.computeIfAbsent(newRelay, NodeSubscribers::new);
        if (!to.put(newSession, userId, intents)) {
            subscriberCount--;
        }
        entry.replace(relay, session, to.relay, newSession);
        return true;
    }

    /** Removes a session; true when it was the user's last here, so the user just went offline. */
    boolean unsubscribe(ActorRef<RelayProtocol.Command> relay, long session, long userId) {
        NodeSubscribers node = nodes.get(relay);
        if (node == null || !node.remove(session)) {
            return false;
        }
        subscriberCount--;
        if (node.isEmpty()) {
            nodes.remove(relay);
        }
        OnlineMember entry = online.get(userId);
        if (entry == null) {
            return false;
        }
        entry.remove(relay, session);
        return settleAfterRemoval(entry, userId);
    }

    /**
     * After a session left {@code entry}: the user goes offline with their last session, or keeps the presence of
     * the latest remaining one. True when the user went offline.
     */
    private boolean settleAfterRemoval(OnlineMember entry, long userId) {
        int left = entry.sessionCount();
        if (left == 0) {
            online.remove(userId);
            memberBytes -= entry.member.length;
            return true;
        }
        entry.latest = entry.presence(left - 1);
        return false;
    }

    /** Records a session's new presence; true when the user's aggregated presence changed. */
    boolean updatePresence(ActorRef<RelayProtocol.Command> relay, long session, long userId, Presence presence) {
        OnlineMember entry = online.get(userId);
        return entry != null && entry.update(relay, session, CanonicalPresences.of(presence));
    }

    /**
     * The PRESENCE_UPDATE {@code d} others see for {@code userId}: the status most recently set by any of the user's
     * sessions, client_status per platform, and offline for users who are gone or invisible.
     */
    byte[] presenceUpdate(long userId) {
        return presenceJson(userId, online.get(userId), false);
    }

    private byte[] presenceJson(long userId, OnlineMember entry, boolean asSelf) {
        return presenceText(new StringBuilder(160), userId, entry, asSelf).toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    private StringBuilder presenceText(StringBuilder out, long userId, OnlineMember entry, boolean asSelf) {
        boolean shown = entry != null && (asSelf || entry.latest.visibleToOthers());
        if (!shown) {
            return PresenceObject.appendOffline(out, userId, guildId);
        }
        int platforms = 0;
        for (Presence.Platform platform : PLATFORMS) {
            if (hasPlatform(entry, platform)) {
                platforms |= 1 << platform.ordinal();
            }
        }
        return PresenceObject.append(out, userId, guildId, entry.latest.status(), entry.latest.activitiesJson(),
                PLATFORM_NAMES, platforms);
    }

    private static final Presence.Platform[] PLATFORMS = Presence.Platform.values();
    private static final String[] PLATFORM_NAMES =
            java.util.Arrays.stream(PLATFORMS).map(Presence.Platform::name).toArray(String[]::new);

    private static boolean hasPlatform(OnlineMember entry, Presence.Platform platform) {
        for (int i = 0, n = entry.sessionCount(); i < n; i++) {
            if (entry.presence(i).platform() == platform) {
                return true;
            }
        }
        return false;
    }

    /**
     * The GUILD_CREATE {@code d} for one receiver: the cached guild, the online members (or only the receiver
     * without GUILD_PRESENCES) and the visible presences.
     */
    byte[] guildCreateFor(GuildDocument document, long receiverId, int intents, int largeThreshold,
                          String joinedAt) {
        boolean withPresences = Intents.allows(intents, Intents.GUILD_PRESENCES);
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                1024 + (withPresences ? Math.min(online.size(), 1 << 20) * 64 : 256));
        GuildCreateObject.open(out, document.encodedFields(), document.memberCount(), largeThreshold, joinedAt);
        OnlineMember receiver = online.get(receiverId);
        boolean[] first = {true};
        if (receiver != null) {
            out.writeBytes(receiver.member);
            first[0] = false;
        }
        StringBuilder presences = new StringBuilder();
        if (withPresences) {
            online.forEach((userId, entry) -> {
                boolean self = userId == receiverId;
                if (!self) {
                    if (!first[0]) {
                        out.write(',');
                    }
                    out.writeBytes(entry.member);
                    first[0] = false;
                }
                if (self || entry.latest.visibleToOthers()) {
                    presenceText(presences.append(presences.isEmpty() ? "" : ","), userId, entry, self);
                }
            });
        }
        GuildCreateObject.close(out, presences.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * The recipients of an event that needs {@code requiredIntent}, per node; {@code excludedUser} (or 0) does not
     * receive it (a user's own presence change goes to others).
     */
    Map<ActorRef<RelayProtocol.Command>, long[]> targets(int requiredIntent, long excludedUser) {
        Map<ActorRef<RelayProtocol.Command>, long[]> targets = new HashMap<>(nodes.size() * 2);
        for (NodeSubscribers node : nodes.values()) {
            long[] sessions = node.targets(requiredIntent, excludedUser);
            if (sessions != null) {
                targets.put(node.relay, sessions);
            }
        }
        return targets;
    }

    /** Every subscribed session of {@code userId}, per node. */
    Map<ActorRef<RelayProtocol.Command>, long[]> sessionsOf(long userId) {
        Map<ActorRef<RelayProtocol.Command>, long[]> result = new HashMap<>();
        OnlineMember entry = online.get(userId);
        if (entry != null) {
            for (int i = 0, n = entry.sessionCount(); i < n; i++) {
                long[] previous = result.get(entry.relay(i));
                long[] next = previous == null ? new long[1] : Arrays.copyOf(previous, previous.length + 1);
                next[next.length - 1] = entry.session(i);
                result.put(entry.relay(i), next);
            }
        }
        return result;
    }

    /** Recipients per node split by what they may see of a message: full content, or content emptied. */
    record ContentSplit(long[] full, long[] stripped) {}

    /**
     * The recipients of a message event that needs {@code requiredIntent}, per node, split into those who see its
     * content (MESSAGE_CONTENT, or {@code seesContentAnyway} for their user: the author, the mentioned) and the rest.
     */
    Map<ActorRef<RelayProtocol.Command>, ContentSplit> targetsByContent(int requiredIntent, LongPredicate seesContentAnyway) {
        Map<ActorRef<RelayProtocol.Command>, ContentSplit> targets = new HashMap<>(nodes.size() * 2);
        for (NodeSubscribers node : nodes.values()) {
            ContentSplit split = node.targetsByContent(requiredIntent, Intents.MESSAGE_CONTENT, seesContentAnyway);
            if (split != null) {
                targets.put(node.relay, split);
            }
        }
        return targets;
    }

    /** Every subscribed session, per node. */
    Map<ActorRef<RelayProtocol.Command>, long[]> allSessions() {
        return targets(Intents.NONE, 0);
    }

    /** Drops every session of {@code userId} (the user left or was banned); returns them per node. */
    Map<ActorRef<RelayProtocol.Command>, long[]> removeUser(long userId) {
        Map<ActorRef<RelayProtocol.Command>, long[]> removed = sessionsOf(userId);
        removed.forEach((relay, sessions) -> {
            NodeSubscribers node = nodes.get(relay);
            if (node == null) {
                return;
            }
            for (long session : sessions) {
                if (node.remove(session)) {
                    subscriberCount--;
                }
            }
            if (node.isEmpty()) {
                nodes.remove(relay);
            }
        });
        OnlineMember gone = online.remove(userId);
        if (gone != null) {
            memberBytes -= gone.member.length;
        }
        return removed;
    }

    /** Whether sessions of the node behind {@code relay} are subscribed here. */
    boolean hasNode(ActorRef<RelayProtocol.Command> relay) {
        return nodes.containsKey(relay);
    }

    /**
     * Drops every session of a node that is gone (crashed or left without handing its sessions over); returns the
     * users who were visibly online and have no session left, who must be announced offline.
     */
    long[] removeNode(ActorRef<RelayProtocol.Command> relay) {
        NodeSubscribers node = nodes.remove(relay);
        if (node == null) {
            return new long[0];
        }
        subscriberCount -= node.size();
        long[] wentOffline = new long[node.size()];
        int count = 0;
        for (int i = 0; i < node.size(); i++) {
            long userId = node.user(i);
            OnlineMember entry = online.get(userId);
            if (entry == null || !entry.remove(node.relay, node.session(i))) {
                continue;
            }
            if (settleAfterRemoval(entry, userId) && entry.latest.visibleToOthers()) {
                wentOffline[count++] = userId;
            }
        }
        return Arrays.copyOf(wentOffline, count);
    }

    /**
     * Applies a GUILD_MEMBER_UPDATE {@code d} to an online member's member object: its fields replace the cached
     * ones, the others (Discord's update has no deaf or mute) stay. False when the user is not online here.
     */
    boolean updateMember(long userId, byte[] update) {
        OnlineMember entry = online.get(userId);
        if (entry == null) {
            return false;
        }
        byte[] updated = MemberObject.updated(entry.member, update);
        memberBytes += updated.length - entry.member.length;
        entry.member = updated;
        return true;
    }

    /**
     * An upper estimate of a full GUILD_CREATE's size: the document, every online member's object and a presence
     * each (a presence without activities is under 200 bytes; activities are counted as sent).
     */
    long fullGuildCreateBytes(GuildDocument document) {
        return document.encodedFields().length + memberBytes + 256L * online.size() + 512;
    }

    /** The user's presence as they see it themselves (invisible shows as invisible). */
    byte[] presenceAsSelf(long userId) {
        return presenceJson(userId, online.get(userId), true);
    }

    /** The presences others may see of those of {@code userIds} who are online here. */
    List<byte[]> visiblePresences(long[] userIds) {
        List<byte[]> presences = new ArrayList<>();
        for (long userId : userIds) {
            OnlineMember entry = online.get(userId);
            if (entry != null && entry.latest.visibleToOthers()) {
                presences.add(presenceJson(userId, entry, false));
            }
        }
        return presences;
    }
}
