package one.derailed.gateway.protocol;

/** Opcode is the {@code op} field of a Discord Gateway v10 frame. */
public enum Opcode {
    DISPATCH(0),
    HEARTBEAT(1),
    IDENTIFY(2),
    PRESENCE_UPDATE(3),
    VOICE_STATE_UPDATE(4),
    RESUME(6),
    RECONNECT(7),
    REQUEST_GUILD_MEMBERS(8),
    INVALID_SESSION(9),
    HELLO(10),
    HEARTBEAT_ACK(11);

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The opcode numbered {@code code}, or null for a number Discord does not define. */
    public static Opcode of(int code) {
        for (Opcode op : VALUES) {
            if (op.code == code) {
                return op;
            }
        }
        return null;
    }

    private static final Opcode[] VALUES = values();
}
