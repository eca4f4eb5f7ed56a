package one.derailed.gateway.protocol;

/** PayloadException says why a client frame was refused and which close code answers it. */
public final class PayloadException extends Exception {
    private final CloseCode closeCode;

    public PayloadException(CloseCode closeCode, String reason) {
        super(reason, null, false, false);
        this.closeCode = closeCode;
    }

    public CloseCode closeCode() {
        return closeCode;
    }
}
