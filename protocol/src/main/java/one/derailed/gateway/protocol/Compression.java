package one.derailed.gateway.protocol;

/** Compression is the transport compression a client asks for with the {@code compress} query parameter. */
public enum Compression {
    NONE(null),
    ZLIB_STREAM("zlib-stream"),
    ZSTD_STREAM("zstd-stream");

    private final String queryValue;

    Compression(String queryValue) {
        this.queryValue = queryValue;
    }

    public String queryValue() {
        return queryValue;
    }
}
