package one.derailed.gateway.core.presence;

import one.derailed.gateway.core.CborSerializable;
import one.derailed.gateway.protocol.ClientPayload;

/**
 * Presence is what one session says about its user: a status, its activities (JSON array text, kept as sent) and the
 * platform it runs on. Presences live in memory only; nothing here is ever stored.
 */
public record Presence(String status, String activitiesJson, Platform platform) implements CborSerializable {

    /**
     * Every session holds its presence as long as it lives, and most say one of five statuses with no activity: those
     * share one string each instead of the copy each IDENTIFY's parser made (~100 B per idle session).
     */
    public Presence {
        status = switch (status) {
            case "online" -> "online";
            case "idle" -> "idle";
            case "dnd" -> "dnd";
            case "invisible" -> "invisible";
            case "offline" -> "offline";
            case null, default -> status;
        };
        if ("[]".equals(activitiesJson)) {
            activitiesJson = "[]";
        }
    }

    /** Platform is a client_status key; which one a session counts as comes from its IDENTIFY properties. */
    public enum Platform {
        desktop, mobile, web;

        /** Browsers count as web, phones as mobile, anything else as desktop (the Discord client's own rule). */
        public static Platform of(ClientPayload.ConnectionProperties properties) {
            String browser = properties.browser().toLowerCase(java.util.Locale.ROOT);
            String device = properties.device().toLowerCase(java.util.Locale.ROOT);
            String os = properties.os().toLowerCase(java.util.Locale.ROOT);
            if (os.equals("android") || os.equals("ios") || device.contains("phone") || browser.contains("mobile")
                    || browser.equals("discord android") || browser.equals("discord ios")) {
                return mobile;
            }
            if (browser.contains("chrome") || browser.contains("firefox") || browser.contains("safari")
                    || browser.contains("edge") || browser.contains("opera")) {
                return web;
            }
            return desktop;
        }
    }

    /** Whether others may see this status: invisible users look offline to everybody but themselves. */
    public boolean visibleToOthers() {
        return !status.equals("invisible") && !status.equals("offline");
    }

    public Presence withStatus(String newStatus, String newActivitiesJson) {
        return new Presence(newStatus, newActivitiesJson, platform);
    }
}
