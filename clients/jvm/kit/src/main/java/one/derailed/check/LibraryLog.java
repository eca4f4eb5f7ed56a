package one.derailed.check;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * LibraryLog keeps every warning and error the library logs (through SLF4J, into logback), so a complaint (a parse
 * error, "unexpected error", a missing field) fails the check. {@code expected} names the lines a library logs when
 * its connection is cut (it says it lost the connection and will resume): they are not complaints while the check
 * is cutting the connection on purpose ({@link #duringCut}), and are complaints at any other time.
 */
public final class LibraryLog {
    private final List<String> complaints = new CopyOnWriteArrayList<>();
    private volatile boolean cutting;

    public LibraryLog(Predicate<String> expected) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        AppenderBase<ILoggingEvent> keep = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                    String line = event.getLoggerName() + ": " + event.getFormattedMessage()
                            + (event.getThrowableProxy() == null ? "" : " (" + event.getThrowableProxy().getClassName()
                            + ": " + event.getThrowableProxy().getMessage() + ")");
                    if (!(cutting && expected.test(line))) {
                        complaints.add(line);
                    }
                }
            }
        };
        keep.setContext(root.getLoggerContext());
        keep.start();
        root.addAppender(keep);
    }

    /** Whether the check is cutting the library's connection now (from the cut until the library resumed). */
    public void duringCut(boolean cutting) {
        this.cutting = cutting;
    }

    /** The complaints since the last {@link #take}, kept. */
    public List<String> peek() {
        return List.copyOf(complaints);
    }

    /** The complaints since the last call, which forgets them. */
    public List<String> take() {
        List<String> taken = List.copyOf(complaints);
        complaints.removeAll(taken);
        return taken;
    }
}
