package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.uring.IoUring;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import one.derailed.gateway.store.Database;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The gateway contract with the sockets on Netty's io_uring transport ({@code derailed.websocket.transport}), on a
 * kernel that has it; elsewhere the contract is skipped, as a node asked for io_uring there would not start.
 */
class IoUringEndToEndTest extends GatewayContract {
    @Override
    Database openDatabase() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        return TestDatabases.h2();
    }

    /** The setting is not taken for granted: the process holds an io_uring instance while the node runs. */
    @Test
    void theSocketsRunOnIoUring() throws IOException {
        List<String> descriptors = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    descriptors.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed since
                }
            }
        }
        assertThat(descriptors).anyMatch(target -> target.contains("io_uring"));
    }

    @Override
    Map<String, Object> settings() {
        return Map.of("derailed.websocket.transport", "io_uring");
    }
}
