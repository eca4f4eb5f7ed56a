package one.derailed.gateway.core.guild;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.core.discord.JsonBytes;
import one.derailed.gateway.core.presence.Presence;
import one.derailed.gateway.core.relay.Relay;
import one.derailed.gateway.core.relay.RelayProtocol;
import one.derailed.gateway.protocol.Intents;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * ReferenceGuildState is GuildState as first written, on boxed HashMaps and records: the simple model that
 * GuildStateTest checks the compact GuildState against, operation by operation. The gateway does not use it.
 */
final class ReferenceGuildState {
    private final long guildId;
    private final HashMap<Long, OnlineMember> online = new HashMap<>();
    private final HashMap<ActorRef<RelayProtocol.Command>, HashMap<Long, Subscriber>> nodes = new HashMap<>();
    private int subscriberCount;

    ReferenceGuildState(long guildId) {
        this.guildId = guildId;
    }

    /** A subscribed session: whose it is and what it may receive. */
    record Subscriber(long userId, int intents) {}

    /** An online member: the member object, encoded once, and the presence of each of the user's sessions. */
    static final class OnlineMember {
        byte[] member;
        final List<SessionPresence> sessions = new ArrayList<>(1);
        Presence latest;

        OnlineMember(byte[] member) {
            this.member = member;
        }
    }

    record SessionPresence(ActorRef<RelayProtocol.Command> relay, long session, Presence presence) {}

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
        Subscriber previous = nodes.computeIfAbsent(relay, r -> new HashMap<>())
                .put(session, new Subscriber(userId, intents));
        if (previous == null) {
            subscriberCount++;
        }
        OnlineMember entry = online.get(userId);
        boolean cameOnline = entry == null;
        if (cameOnline) {
            entry = new OnlineMember(member);
            online.put(userId, entry);
        } else {
            entry.member = member;
            entry.sessions.removeIf(p -> p.session() == session && p.relay().equals(relay));
        }
        entry.sessions.add(new SessionPresence(relay, session, presence));
        entry.latest = presence;
        return cameOnline;
    }

    /** Removes a session; true when it was the user's last here, so the user just went offline. */
    boolean unsubscribe(ActorRef<RelayProtocol.Command> relay, long session, long userId) {
        HashMap<Long, Subscriber> sessions = nodes.get(relay);
        if (sessions == null || sessions.remove(session) == null) {
            return false;
        }
        subscriberCount--;
        if (sessions.isEmpty()) {
            nodes.remove(relay);
        }
        OnlineMember entry = online.get(userId);
        if (entry == null) {
            return false;
        }
        entry.sessions.removeIf(p -> p.session() == session && p.relay().equals(relay));
        if (entry.sessions.isEmpty()) {
            online.remove(userId);
            return true;
        }
        entry.latest = entry.sessions.get(entry.sessions.size() - 1).presence();
        return false;
    }

    /** Records a session's new presence; true when the user's aggregated presence changed. */
    boolean updatePresence(ActorRef<RelayProtocol.Command> relay, long session, long userId, Presence presence) {
        OnlineMember entry = online.get(userId);
        if (entry == null) {
            return false;
        }
        for (int i = 0; i < entry.sessions.size(); i++) {
            SessionPresence p = entry.sessions.get(i);
            if (p.session() == session && p.relay().equals(relay)) {
                entry.sessions.set(i, new SessionPresence(relay, session, presence));
                entry.latest = presence;
                return true;
            }
        }
        return false;
    }

    /**
     * The PRESENCE_UPDATE {@code d} others see for {@code userId}: the status most recently set by any of the user's
     * sessions, client_status per platform, and offline for users who are gone or invisible.
     */
    byte[] presenceUpdate(long userId) {
        OnlineMember entry = online.get(userId);
        return presenceJson(userId, entry, false);
    }

    private byte[] presenceJson(long userId, OnlineMember entry, boolean asSelf) {
        boolean shown = entry != null && (asSelf || entry.latest.visibleToOthers());
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        out.writeBytes(("{\"user\":{\"id\":\"" + userId + "\"},\"guild_id\":\"" + guildId + "\",\"status\":\"")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes((shown ? entry.latest.status() : "offline").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes("\",\"activities\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes((shown ? entry.latest.activitiesJson() : "[]").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes(",\"client_status\":{".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (shown) {
            boolean first = true;
            for (Presence.Platform platform : Presence.Platform.values()) {
                String status = platformStatus(entry, platform);
                if (status != null) {
                    out.writeBytes(((first ? "" : ",") + "\"" + platform.name() + "\":\"" + status + "\"")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    first = false;
                }
            }
        }
        out.writeBytes("}}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static String platformStatus(OnlineMember entry, Presence.Platform platform) {
        for (SessionPresence p : entry.sessions) {
            if (p.presence().platform() == platform) {
                return entry.latest.status();
            }
        }
        return null;
    }

    /**
     * The GUILD_CREATE {@code d} for one receiver: the cached guild, the online members (or only the receiver
     * without GUILD_PRESENCES) and the visible presences.
     */
    byte[] guildCreateFor(GuildDocument document, long receiverId, int intents, int largeThreshold,
                          String joinedAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + online.size() * 256);
        out.write('{');
        out.writeBytes(document.encodedFields());
        long memberCount = document.memberCount();
        out.writeBytes((",\"member_count\":" + memberCount + ",\"large\":" + (memberCount > largeThreshold)
                + ",\"joined_at\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(joinedAt == null ? "null".getBytes(java.nio.charset.StandardCharsets.US_ASCII)
                : JsonBytes.string(joinedAt));
        out.writeBytes(",\"unavailable\":false,\"members\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        boolean withPresences = Intents.allows(intents, Intents.GUILD_PRESENCES);
        List<byte[]> members = new ArrayList<>();
        List<byte[]> presences = new ArrayList<>();
        OnlineMember receiver = online.get(receiverId);
        if (receiver != null) {
            members.add(receiver.member);
        }
        if (withPresences) {
            online.forEach((userId, entry) -> {
                if (userId != receiverId) {
                    members.add(entry.member);
                }
                boolean self = userId == receiverId;
                if (self || entry.latest.visibleToOthers()) {
                    presences.add(presenceJson(userId, entry, self));
                }
            });
        }
        JsonBytes.writeArray(out, members);
        out.writeBytes(",\"presences\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        JsonBytes.writeArray(out, presences);
        out.write('}');
        return out.toByteArray();
    }

    /**
     * The recipients of an event that needs {@code requiredIntent}, per node; {@code excludedUser} (or 0) does not
     * receive it (a user's own presence change goes to others).
     */
    Map<ActorRef<RelayProtocol.Command>, long[]> targets(int requiredIntent, long excludedUser) {
        Map<ActorRef<RelayProtocol.Command>, long[]> targets = new HashMap<>(nodes.size() * 2);
        nodes.forEach((relay, sessions) -> {
            long[] numbers = new long[sessions.size()];
            int count = 0;
            for (Map.Entry<Long, Subscriber> e : sessions.entrySet()) {
                Subscriber s = e.getValue();
                if (Intents.allows(s.intents(), requiredIntent) && s.userId() != excludedUser) {
                    numbers[count++] = e.getKey();
                }
            }
            if (count > 0) {
                targets.put(relay, count == numbers.length ? numbers : java.util.Arrays.copyOf(numbers, count));
            }
        });
        return targets;
    }

    /** Every subscribed session of {@code userId}, per node. */
    Map<ActorRef<RelayProtocol.Command>, long[]> sessionsOf(long userId) {
        Map<ActorRef<RelayProtocol.Command>, long[]> result = new HashMap<>();
        OnlineMember entry = online.get(userId);
        if (entry != null) {
            for (SessionPresence p : entry.sessions) {
                long[] previous = result.getOrDefault(p.relay(), new long[0]);
                long[] next = java.util.Arrays.copyOf(previous, previous.length + 1);
                next[previous.length] = p.session();
                result.put(p.relay(), next);
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
    Map<ActorRef<RelayProtocol.Command>, ContentSplit> targetsByContent(int requiredIntent,
                                                                 java.util.function.LongPredicate seesContentAnyway) {
        Map<ActorRef<RelayProtocol.Command>, ContentSplit> targets = new HashMap<>(nodes.size() * 2);
        nodes.forEach((relay, sessions) -> {
            long[] full = new long[sessions.size()];
            long[] stripped = new long[sessions.size()];
            int fullCount = 0;
            int strippedCount = 0;
            for (Map.Entry<Long, Subscriber> e : sessions.entrySet()) {
                Subscriber s = e.getValue();
                if (!Intents.allows(s.intents(), requiredIntent)) {
                    continue;
                }
                if (Intents.allows(s.intents(), Intents.MESSAGE_CONTENT) || seesContentAnyway.test(s.userId())) {
                    full[fullCount++] = e.getKey();
                } else {
                    stripped[strippedCount++] = e.getKey();
                }
            }
            if (fullCount + strippedCount > 0) {
                targets.put(relay, new ContentSplit(java.util.Arrays.copyOf(full, fullCount),
                        java.util.Arrays.copyOf(stripped, strippedCount)));
            }
        });
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
            HashMap<Long, Subscriber> onNode = nodes.get(relay);
            for (long session : sessions) {
                if (onNode != null && onNode.remove(session) != null) {
                    subscriberCount--;
                }
            }
            if (onNode != null && onNode.isEmpty()) {
                nodes.remove(relay);
            }
        });
        online.remove(userId);
        return removed;
    }

    /** Replaces an online member's member object (GUILD_MEMBER_UPDATE); false when the user is not online here. */
    boolean updateMember(long userId, byte[] member) {
        OnlineMember entry = online.get(userId);
        if (entry == null) {
            return false;
        }
        entry.member = one.derailed.gateway.core.discord.MemberObject.updated(entry.member, member);
        return true;
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
