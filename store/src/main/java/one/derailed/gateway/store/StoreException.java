package one.derailed.gateway.store;

import java.sql.SQLException;

/** StoreException is a database failure seen through the store: the connection, the SQL or the data went wrong. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
