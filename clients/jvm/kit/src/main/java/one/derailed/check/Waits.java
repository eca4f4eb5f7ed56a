package one.derailed.check;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits polls a condition until it holds or a deadline passes. */
public final class Waits {
    private Waits() {}

    public static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
