package one.derailed.gateway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import one.derailed.gateway.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * With an operator token, the admin page's static files load without it (a browser's navigation cannot send one;
 * they carry no data), and every read and action of the admin API needs it.
 */
class AdminTokenTest {
    @Test
    void thePageLoadsWithoutTheTokenAndTheApiNeedsIt() throws Exception {
        try (TestGateway gateway = TestGateway.start(TestDatabases.h2(),
                Map.of("derailed.operator.token", "s3cret-operator-token"))) {
            AdminHttp admin = new AdminHttp(gateway.gateway.operatorPort());
            assertThat(admin.get("/admin").status()).isEqualTo(200);
            assertThat(admin.get("/admin/admin.js").status()).isEqualTo(200);
            assertThat(admin.get("/admin/api/cluster").status()).isEqualTo(401);
            assertThat(admin.post("/admin/api/drain", "{}").status()).isEqualTo(401);
            assertThat(admin.get("/admin/api/cluster", Map.of("Authorization", "Bearer wrong")).status())
                    .isEqualTo(401);
            AdminHttp.Answer cluster = admin.get("/admin/api/cluster",
                    Map.of("Authorization", "Bearer s3cret-operator-token"));
            assertThat(cluster.status()).isEqualTo(200);
            assertThat(cluster.json().path("nodes")).hasSize(1);
            assertThat(admin.get("/metrics").status()).isEqualTo(401);
        }
    }
}
