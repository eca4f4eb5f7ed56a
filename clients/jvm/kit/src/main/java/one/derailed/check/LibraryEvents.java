package one.derailed.check;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * LibraryEvents is what a {@link Library} counts from its library's own events, on the library's threads: the
 * messages it delivered, its new sessions (READY) and its resumes (RESUMED).
 */
public abstract class LibraryEvents implements Library {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final AtomicInteger readies = new AtomicInteger();
    private final AtomicInteger resumes = new AtomicInteger();

    protected final void messageReceived(String content) {
        messages.add(content);
    }

    protected final void sessionStarted() {
        readies.incrementAndGet();
    }

    protected final void sessionResumed() {
        resumes.incrementAndGet();
    }

    @Override
    public final List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public final int resumes() {
        return resumes.get();
    }

    @Override
    public final int readies() {
        return readies.get();
    }
}
