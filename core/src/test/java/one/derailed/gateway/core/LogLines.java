package one.derailed.gateway.core;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * LogLines captures what the gateway's own loggers write while it is open. It listens on the gateway's root logger
 * only, so a line an actor writes under a name outside the gateway (Pekko's, which deployments keep at WARN) is not
 * captured: a test that expects a line proves an operator would see it.
 */
public final class LogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private static final String GATEWAY = "one.derailed.gateway";
    private final ConcurrentLinkedQueue<ILoggingEvent> events = new ConcurrentLinkedQueue<>();
    private final Logger gateway = (Logger) LoggerFactory.getLogger(GATEWAY);

    private LogLines() {}

    public static LogLines capture() {
        LogLines lines = new LogLines();
        lines.setContext(lines.gateway.getLoggerContext());
        lines.start();
        lines.gateway.addAppender(lines);
        return lines;
    }

    @Override
    protected void append(ILoggingEvent event) {
        events.add(event);
    }

    /** Each captured line as "logger LEVEL message". */
    public List<String> lines() {
        return events.stream()
                .map(e -> e.getLoggerName() + " " + e.getLevel() + " " + e.getFormattedMessage())
                .toList();
    }

    @Override
    public void close() {
        gateway.detachAppender(this);
        stop();
    }
}
