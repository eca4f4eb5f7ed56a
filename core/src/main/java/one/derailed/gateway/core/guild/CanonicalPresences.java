package one.derailed.gateway.core.guild;

import one.derailed.gateway.core.presence.Presence;

/**
 * CanonicalPresences folds the presences a guild keeps onto shared instances. Presences arrive deserialized, so a
 * million sessions saying "online" with no activities would otherwise hold a million equal records and strings; the
 * usual ones (a known status, "[]" activities) become one of fifteen shared records, and the rest keep their own
 * activities but share the status string and the empty array.
 */
final class CanonicalPresences {
    static final String EMPTY_ACTIVITIES = "[]";
    private static final String[] STATUSES = {"online", "idle", "dnd", "invisible", "offline"};
    private static final Presence[][] SHARED = new Presence[STATUSES.length][Presence.Platform.values().length];

    static {
        for (int s = 0; s < STATUSES.length; s++) {
            for (Presence.Platform platform : Presence.Platform.values()) {
                SHARED[s][platform.ordinal()] = new Presence(STATUSES[s], EMPTY_ACTIVITIES, platform);
            }
        }
    }

    private CanonicalPresences() {}

    /** A presence equal to {@code presence}, shared when it is a usual one. */
    static Presence of(Presence presence) {
        if (presence == null) {
            return null;
        }
        int status = statusIndex(presence.status());
        String activities = EMPTY_ACTIVITIES.equals(presence.activitiesJson()) ? EMPTY_ACTIVITIES
                : presence.activitiesJson();
        if (status >= 0 && activities == EMPTY_ACTIVITIES && presence.platform() != null) {
            return SHARED[status][presence.platform().ordinal()];
        }
        String statusText = status >= 0 ? STATUSES[status] : presence.status();
        if (statusText == presence.status() && activities == presence.activitiesJson()) {
            return presence;
        }
        return new Presence(statusText, activities, presence.platform());
    }

    private static int statusIndex(String status) {
        if (status == null) {
            return -1;
        }
        return switch (status) {
            case "online" -> 0;
            case "idle" -> 1;
            case "dnd" -> 2;
            case "invisible" -> 3;
            case "offline" -> 4;
            default -> -1;
        };
    }
}
