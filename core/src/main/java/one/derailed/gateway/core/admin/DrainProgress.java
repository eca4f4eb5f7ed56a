package one.derailed.gateway.core.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * DrainProgress follows a node's graceful leave through Pekko's CoordinatedShutdown, whoever started it (an
 * operator's drain, SIGTERM, the cluster downing the node): a task of its own in every phase notes when the phase is
 * reached, so the admin page and {@code derailed admin drain} show where the leave is. Thread-safe.
 */
final class DrainProgress {
    /** The reason a drain asked for by an operator gives CoordinatedShutdown (it shows in the node's log). */
    static final CoordinatedShutdown.Reason OPERATOR_DRAIN = new CoordinatedShutdown.Reason() {
        @Override
        public String toString() {
            return "an operator's drain";
        }
    };

    /** The phases in their order, with what happens in each (docs/architecture.md, "Shutdown: one sequence"). */
    private static final List<String[]> PHASES = List.of(
            new String[] {CoordinatedShutdown.PhaseBeforeServiceUnbind(), "the gRPC ingress stops taking calls"},
            new String[] {CoordinatedShutdown.PhaseServiceUnbind(), "clients get op 7 and a resumable close"},
            new String[] {CoordinatedShutdown.PhaseServiceRequestsDone(), "sessions move to the other nodes"},
            new String[] {CoordinatedShutdown.PhaseServiceStop(), "services stop"},
            new String[] {CoordinatedShutdown.PhaseBeforeClusterShutdown(), "services stop"},
            new String[] {CoordinatedShutdown.PhaseClusterShardingShutdownRegion(),
                    "guilds and users hand off to the other nodes"},
            new String[] {CoordinatedShutdown.PhaseClusterLeave(), "leaving the cluster"},
            new String[] {CoordinatedShutdown.PhaseClusterExiting(), "leaving the cluster"},
            new String[] {CoordinatedShutdown.PhaseClusterExitingDone(), "leaving the cluster"},
            new String[] {CoordinatedShutdown.PhaseClusterShutdown(), "leaving the cluster"},
            new String[] {CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "the actor system stops"},
            new String[] {CoordinatedShutdown.PhaseActorSystemTerminate(), "the actor system stops"});

    private volatile AdminProtocol.Leaving current;

    /** Follows {@code system}'s CoordinatedShutdown from now on. */
    static DrainProgress follow(ActorSystem<?> system) {
        DrainProgress progress = new DrainProgress();
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        for (String[] phase : PHASES) {
            shutdown.addTask(phase[0], "derailed-admin-progress", () -> {
                progress.reached(phase[0], phase[1], shutdown.getShutdownReason()
                        .map(Object::toString).orElse("unknown"));
                return CompletableFuture.completedFuture(Done.getInstance());
            });
        }
        return progress;
    }

    private synchronized void reached(String phase, String step, String reason) {
        long now = System.currentTimeMillis();
        long started = current == null ? now : current.startedAtMillis();
        current = new AdminProtocol.Leaving(started, reason, phase, step, now - started);
    }

    /** Where the leave is, or null while the node is not leaving. */
    AdminProtocol.Leaving snapshot() {
        return current;
    }
}
