package one.derailed.gateway.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * DeliveryCheck judges what one client session received against what the publisher was told: numbered events
 * (MESSAGE_CREATE "n=K", published in order 1..last, each until it returned Success) must arrive in order, each once,
 * none missing, with {@code s} rising by one from READY. It collects every problem rather than stop at the first, so
 * a failing test shows the whole picture.
 *
 * <p>What a case may excuse is said explicitly: a gap right across a GUILD_DELETE {@code unavailable: true} and the
 * GUILD_CREATE after it (the client was told the guild was unavailable, and got it whole again), and a second copy,
 * right behind the first, of an event whose publish had to be retried across a crash (its first try's answer was
 * lost with the node, and the entity that took the retry is a new one that never saw its key).
 */
final class DeliveryCheck {
    /** What a session is expected to have: all events, or the run from its start, or until its end. */
    enum Span { ALL, FROM_FIRST, TO_LAST, ANY_RUN }

    private final String guildId;
    private final int last;
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private boolean unavailabilityExcuses;
    private Set<Integer> mayRepeat = Set.of();

    DeliveryCheck(String guildId, int last) {
        this.guildId = guildId;
        this.last = last;
    }

    /** A gap across GUILD_DELETE unavailable → GUILD_CREATE is allowed (and reported). */
    DeliveryCheck excusingUnavailability() {
        unavailabilityExcuses = true;
        return this;
    }

    /** These events (retried across a crash) may arrive twice in a row (reported). */
    DeliveryCheck excusingRepeatsOf(Set<Integer> numbers) {
        mayRepeat = Set.copyOf(numbers);
        return this;
    }

    /** Judges the client's {@code session}-th session. */
    void session(ResumingClient client, int session, Span span) {
        String who = client.name + " session " + session;
        List<ResumingClient.Dispatch> dispatches = client.ofSession(session);
        for (int i = 0; i < dispatches.size(); i++) {
            if (dispatches.get(i).seq() != i + 1) {
                problems.add(who + ": dispatch " + (i + 1) + " (" + dispatches.get(i).type() + ") has s="
                        + dispatches.get(i).seq());
                break;
            }
        }
        boolean fromFirst = span == Span.ALL || span == Span.FROM_FIRST;
        int previous = 0;
        boolean unavailable = false;
        boolean recoveredSinceLast = false;
        for (ResumingClient.Dispatch dispatch : dispatches) {
            switch (dispatch.type()) {
                case "GUILD_DELETE" -> {
                    if (!dispatch.about(guildId) || !dispatch.d().path("unavailable").asBoolean(false)) {
                        problems.add(who + ": GUILD_DELETE " + dispatch.d() + " at s=" + dispatch.seq());
                    } else if (!unavailabilityExcuses) {
                        problems.add(who + ": GUILD_DELETE unavailable at s=" + dispatch.seq()
                                + " (after n=" + previous + ")");
                    } else {
                        notes.add(who + ": GUILD_DELETE unavailable at s=" + dispatch.seq() + " after n=" + previous);
                    }
                    unavailable = true;
                }
                case "GUILD_CREATE" -> {
                    if (unavailable) {
                        notes.add(who + ": GUILD_CREATE again at s=" + dispatch.seq());
                        recoveredSinceLast = true;
                    }
                    unavailable = false;
                }
                default -> { }
            }
            int number = dispatch.number();
            if (number < 0) {
                continue;
            }
            if (unavailable) {
                problems.add(who + ": n=" + number + " arrived while the guild was unavailable to it");
            }
            if (previous == 0 && !fromFirst) {
                previous = number - 1;
            }
            if (number == previous && mayRepeat.contains(number)) {
                notes.add(who + ": n=" + number + " twice (its publish was retried across the crash)");
            } else if (number <= previous) {
                problems.add(who + ": n=" + number + " after n=" + previous + " (repeated or out of order)");
            } else if (number > previous + 1) {
                String range = "n=" + (previous + 1) + (number - 1 > previous + 1 ? ".." + (number - 1) : "");
                if (recoveredSinceLast && unavailabilityExcuses) {
                    notes.add(who + ": missed " + range + " while the guild was unavailable to it");
                } else {
                    problems.add(who + ": missed " + range + " (got n=" + previous + ", then n=" + number + ")");
                }
            }
            previous = Math.max(previous, number);
            recoveredSinceLast = false;
        }
        boolean toLast = span == Span.ALL || span == Span.TO_LAST;
        if (toLast && previous < last) {
            problems.add(who + ": missed n=" + (previous + 1) + ".." + last + " at the end");
        }
        if (toLast && unavailable) {
            problems.add(who + ": the guild is still unavailable to it at the end");
        }
    }

    List<String> problems() {
        return problems;
    }

    List<String> notes() {
        return notes;
    }
}
