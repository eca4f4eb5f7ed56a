package one.derailed.gateway.protocol;

/**
 * CloseCode is every WebSocket close code the gateway sends, with Discord's meaning. {@code resumable} tells whether
 * the session survives a close with this code (the client may RESUME); {@code reconnectable} whether Discord clients
 * reconnect at all.
 */
public enum CloseCode {
    NORMAL(1000, "normal closure", false, true),
    GOING_AWAY(1001, "going away", false, true),
    UNKNOWN_ERROR(4000, "unknown error", true, true),
    UNKNOWN_OPCODE(4001, "unknown opcode", true, true),
    DECODE_ERROR(4002, "decode error", true, true),
    NOT_AUTHENTICATED(4003, "not authenticated", false, true),
    AUTHENTICATION_FAILED(4004, "authentication failed", false, false),
    ALREADY_AUTHENTICATED(4005, "already authenticated", true, true),
    INVALID_SEQ(4007, "invalid seq", false, true),
    RATE_LIMITED(4008, "rate limited", true, true),
    SESSION_TIMED_OUT(4009, "session timed out", false, true),
    INVALID_SHARD(4010, "invalid shard", false, false),
    SHARDING_REQUIRED(4011, "sharding required", false, false),
    INVALID_API_VERSION(4012, "invalid API version", false, false),
    INVALID_INTENTS(4013, "invalid intents", false, false),
    DISALLOWED_INTENTS(4014, "disallowed intents", false, false);

    private final int code;
    private final String meaning;
    private final boolean resumable;
    private final boolean reconnectable;

    CloseCode(int code, String meaning, boolean resumable, boolean reconnectable) {
        this.code = code;
        this.meaning = meaning;
        this.resumable = resumable;
        this.reconnectable = reconnectable;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    public boolean resumable() {
        return resumable;
    }

    public boolean reconnectable() {
        return reconnectable;
    }

    /** The gateway's close code numbered {@code code}, if it is one. */
    public static java.util.Optional<CloseCode> of(int code) {
        for (CloseCode known : values()) {
            if (known.code == code) {
                return java.util.Optional.of(known);
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether a session survives the server closing its socket with {@code code}. */
    public static boolean resumableAfterServerClose(int code) {
        return of(code).map(CloseCode::resumable).orElse(false);
    }

    /** Whether a close the client sent with {@code code} ends its session (1000 and 1001 do; anything else keeps it). */
    public static boolean endsSession(int code) {
        return code == NORMAL.code || code == GOING_AWAY.code;
    }
}
