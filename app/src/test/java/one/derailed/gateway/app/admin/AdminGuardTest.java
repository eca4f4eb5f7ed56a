package one.derailed.gateway.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import one.derailed.gateway.http.Request;
import org.junit.jupiter.api.Test;

/** AdminGuard: only the admin page of the listener itself may call the API, and only on a loopback name. */
class AdminGuardTest {
    private static Request request(HttpMethod method, Map<String, String> headers) {
        HttpHeaders h = new DefaultHttpHeaders();
        headers.forEach(h::set);
        return new Request(method, "/admin/api/cluster", Map.of(), h, new byte[0]);
    }

    @Test
    void theListenersOwnPageAndToolsWithoutAnOriginAreLetThrough() {
        AdminGuard guard = new AdminGuard(false);
        assertThat(guard.check(request(HttpMethod.GET, Map.of("Host", "127.0.0.1:9090")))).isEmpty();
        assertThat(guard.check(request(HttpMethod.GET, Map.of("Host", "localhost:9090",
                "Origin", "http://localhost:9090")))).isEmpty();
        assertThat(guard.check(request(HttpMethod.POST, Map.of("Host", "[::1]:9090",
                "Content-Type", "application/json; charset=utf-8")))).isEmpty();
    }

    @Test
    void anotherOriginIsForbidden() {
        AdminGuard guard = new AdminGuard(false);
        assertThat(guard.check(request(HttpMethod.GET, Map.of("Host", "127.0.0.1:9090",
                "Origin", "http://127.0.0.1:8080"))).orElseThrow().status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
        assertThat(guard.check(request(HttpMethod.GET, Map.of("Host", "127.0.0.1:9090",
                "Origin", "null"))).orElseThrow().status()).isEqualTo(HttpResponseStatus.FORBIDDEN);
    }

    @Test
    void withoutATokenANonLoopbackHostIsForbiddenAsDnsRebindingWouldSendIt() {
        assertThat(new AdminGuard(false).check(request(HttpMethod.GET, Map.of("Host", "attacker.example:9090",
                "Origin", "http://attacker.example:9090"))).orElseThrow().reason()).contains("loopback");
        assertThat(new AdminGuard(false).check(request(HttpMethod.GET, Map.of()))).isPresent();
        assertThat(new AdminGuard(true).check(request(HttpMethod.GET, Map.of("Host", "gw.internal:9090",
                "Origin", "http://gw.internal:9090")))).isEmpty();
    }

    @Test
    void anActionMustBeJson() {
        AdminGuard guard = new AdminGuard(false);
        assertThat(guard.check(request(HttpMethod.POST, Map.of("Host", "127.0.0.1:9090",
                "Content-Type", "text/plain"))).orElseThrow().status())
                .isEqualTo(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE);
        assertThat(guard.check(request(HttpMethod.POST, Map.of("Host", "127.0.0.1:9090"))))
                .isPresent();
    }

    @Test
    void loopbackNames() {
        assertThat(AdminGuard.isLoopbackHost("127.0.0.1")).isTrue();
        assertThat(AdminGuard.isLoopbackHost("127.1.2.3:80")).isTrue();
        assertThat(AdminGuard.isLoopbackHost("LOCALHOST")).isTrue();
        assertThat(AdminGuard.isLoopbackHost("[::1]:9090")).isTrue();
        assertThat(AdminGuard.isLoopbackHost("127.0.0.1.evil.example")).isFalse();
        assertThat(AdminGuard.isLoopbackHost("localhost.evil.example:80")).isFalse();
        assertThat(AdminGuard.isLoopbackHost("[::2]")).isFalse();
    }
}
