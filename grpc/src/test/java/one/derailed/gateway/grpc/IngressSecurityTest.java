package one.derailed.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import one.derailed.grpc.GuildGrpc;
import one.derailed.grpc.Message;
import one.derailed.grpc.Publ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guarded ingress on real loopback sockets: the bearer token, TLS, and where an unguarded server may listen. */
class IngressSecurityTest {
    private static final String TOKEN = "s3cret-ingress-token";
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private static GrpcSettings loopback() {
        return new GrpcSettings("127.0.0.1", 0, 64);
    }

    @Test
    void withoutTheRightTokenACallIsUnauthenticatedAndNothingIsPublished() throws Exception {
        RecordingIngress ingress = new RecordingIngress();
        try (IngressServer server = IngressServer.start(loopback().withToken(TOKEN), ingress);
             IngressClient none = new IngressClient("127.0.0.1", server.port());
             IngressClient wrong = new IngressClient("127.0.0.1", server.port(), "s3cret-ingress-tokeN");
             IngressClient prefix = new IngressClient("127.0.0.1", server.port(), "s3cret");
             IngressClient right = new IngressClient("127.0.0.1", server.port(), TOKEN)) {
            assertUnauthenticated(() -> none.publishToGuild(1L, "MESSAGE_CREATE", "{}"), "missing authorization");
            assertUnauthenticated(() -> none.publishToUser(2L, "USER_UPDATE", "{}"), "missing authorization");
            assertUnauthenticated(() -> none.guildInfo(1L), "missing authorization");
            assertUnauthenticated(() -> wrong.publishToGuild(1L, "MESSAGE_CREATE", "{}"), "wrong bearer token");
            assertUnauthenticated(() -> prefix.publishToUser(2L, "USER_UPDATE", "{}"), "wrong bearer token");
            assertThat(ingress.calls()).isEmpty();

            assertThat(right.publishToGuild(1L, "MESSAGE_CREATE", "{\"content\":\"hi\"}")).isEqualTo("Success");
            assertThat(right.publishToUser(2L, "USER_UPDATE", "{}")).isEqualTo("Success");
            assertThat(ingress.calls()).extracting(RecordingIngress.Call::kind).containsExactly("guild", "user");
        }
    }

    @Test
    void anotherSchemeThanBearerIsRefusedAndHealthStaysOpenForProbes() throws Exception {
        RecordingIngress ingress = new RecordingIngress();
        try (IngressServer server = IngressServer.start(loopback().withToken(TOKEN), ingress)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            try {
                Metadata basic = new Metadata();
                basic.put(BearerTokenCheck.AUTHORIZATION, "Basic " + TOKEN);
                GuildGrpc.GuildBlockingStub guild = GuildGrpc.newBlockingStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(basic));
                assertUnauthenticated(() -> guild.withDeadlineAfter(5, TimeUnit.SECONDS).publish(Publ.newBuilder()
                        .setGuildId("1").setMessage(Message.newBuilder().setEvent("MESSAGE_CREATE").setData("{}"))
                        .build()), "must be 'Bearer");
                assertThat(ingress.calls()).isEmpty();

                HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService("").build());
                assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAndTheTokenExact() {
        BearerTokenCheck check = new BearerTokenCheck(TOKEN);
        assertThat(check.refusal("Bearer " + TOKEN)).isNull();
        assertThat(check.refusal("bearer " + TOKEN)).isNull();
        assertThat(check.refusal(null)).isEqualTo(BearerTokenCheck.MISSING);
        assertThat(check.refusal("Bearer")).isEqualTo(BearerTokenCheck.NOT_BEARER);
        assertThat(check.refusal(TOKEN)).isEqualTo(BearerTokenCheck.NOT_BEARER);
        assertThat(check.refusal("Bearer " + TOKEN + "x")).isEqualTo(BearerTokenCheck.WRONG);
        assertThat(check.refusal("Bearer ")).isEqualTo(BearerTokenCheck.WRONG);
    }

    @Test
    void tlsServesAClientThatTrustsItsCertificateAndNoOtherClient(@TempDir Path directory) throws Exception {
        TestCertificate certificate = TestCertificate.create(directory);
        RecordingIngress ingress = new RecordingIngress();
        GrpcSettings settings = loopback().withToken(TOKEN).withTls(certificate.certificate(),
                certificate.privateKey());
        try (IngressServer server = IngressServer.start(settings, ingress);
             IngressClient trusting = new IngressClient("127.0.0.1", server.port(), TOKEN, DEADLINE,
                     IngressClient.tlsTrusting(certificate.certificate()));
             IngressClient trustingWithoutToken = new IngressClient("127.0.0.1", server.port(), null, DEADLINE,
                     IngressClient.tlsTrusting(certificate.certificate()));
             IngressClient plaintext = new IngressClient("127.0.0.1", server.port(), TOKEN, DEADLINE,
                     InsecureChannelCredentials.create());
             IngressClient systemTrust = new IngressClient("127.0.0.1", server.port(), TOKEN, DEADLINE,
                     TlsChannelCredentials.create())) {
            assertThat(trusting.publishToGuild(7L, "MESSAGE_CREATE", "{\"content\":\"over tls\"}"))
                    .isEqualTo("Success");
            assertUnauthenticated(() -> trustingWithoutToken.publishToGuild(7L, "MESSAGE_CREATE", "{}"),
                    "missing authorization");
            assertThatThrownBy(() -> plaintext.publishToGuild(7L, "MESSAGE_CREATE", "{}"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            assertThatThrownBy(() -> systemTrust.publishToGuild(7L, "MESSAGE_CREATE", "{}"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            assertThat(ingress.calls()).extracting(RecordingIngress.Call::dataText)
                    .containsExactly("{\"content\":\"over tls\"}");
        }
    }

    @Test
    void anUnguardedServerListensOnLoopbackOnlyUnlessAllowed(@TempDir Path directory) {
        Path cert = directory.resolve("c.pem");
        Path key = directory.resolve("k.pem");
        GrpcSettings everywhere = new GrpcSettings("0.0.0.0", 0, 1);
        assertThatThrownBy(() -> IngressServer.start(everywhere, new RecordingIngress()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0.0.0").hasMessageContaining("without a token and TLS")
                .hasMessageContaining("allow-insecure-remote");
        assertThatThrownBy(everywhere.withToken(TOKEN)::checkExposure).hasMessageContaining("without TLS");
        assertThatThrownBy(everywhere.withTls(cert, key)::checkExposure).hasMessageContaining("without a token");
        assertThatCode(everywhere.withToken(TOKEN).withTls(cert, key)::checkExposure).doesNotThrowAnyException();
        assertThatCode(new GrpcSettings("0.0.0.0", 0, 1, "", true, null, null)::checkExposure)
                .doesNotThrowAnyException();
        assertThatCode(new GrpcSettings("localhost", 0, 1)::checkExposure).doesNotThrowAnyException();
        assertThatCode(new GrpcSettings("::1", 0, 1)::checkExposure).doesNotThrowAnyException();
    }

    @Test
    void settingsNeedBothTlsFilesAndNeverPrintTheToken() {
        assertThatThrownBy(() -> new GrpcSettings("127.0.0.1", 0, 1, TOKEN, false, Path.of("c.pem"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both");
        GrpcSettings fromText = GrpcSettings.of("127.0.0.1", 0, 1, "  " + TOKEN + " ", false, " ", "");
        assertThat(fromText.tls()).isFalse();
        assertThat(fromText.token()).isEqualTo(TOKEN);
        assertThat(fromText.toString()).doesNotContain(TOKEN).contains("(set)");
        assertThat(GrpcSettings.of("127.0.0.1", 0, 1, null, false, null, null).requiresToken()).isFalse();
    }

    private static void assertUnauthenticated(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
                                              String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).contains(description);
        });
    }
}
