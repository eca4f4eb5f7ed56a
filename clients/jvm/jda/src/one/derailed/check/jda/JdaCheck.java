package one.derailed.check.jda;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.JDAInfo;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.ISnowflake;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.ConcurrentSessionController;
import net.dv8tion.jda.api.utils.MemberCachePolicy;
import one.derailed.check.CheckEnv;
import one.derailed.check.Gateways;
import one.derailed.check.LibraryEvents;
import one.derailed.check.Matrix;

/**
 * JdaCheck: JDA, unmodified, from Maven Central, in both its compression modes (none, zlib-stream; JDA has no zstd).
 * Built twice, against the latest 6.x and the last 5.x (../jda6, ../jda5). JDA is configured through its public API
 * only: its REST base URL (RestConfig) points at the check's stand-in, and its SessionController gives the URL the
 * gateway advertises at /api/v10/gateway (JDA otherwise connects to Discord's). It asks for every intent and every
 * member (op 8 chunking), and caches everything it can (presences and activities included), so READY, GUILD_CREATE,
 * GUILD_MEMBERS_CHUNK and the presences all go through its strict entity builder.
 */
public final class JdaCheck {
    private JdaCheck() {}

    public static void main(String[] args) {
        String major = JDAInfo.VERSION.substring(0, JDAInfo.VERSION.indexOf('.'));
        Matrix.run("jda" + major, JdaCheck::expected, env -> List.of(
                new Matrix.Mode(new JdaLibrary(env, Compression.NONE), null),
                new Matrix.Mode(new JdaLibrary(env, Compression.ZLIB), "zlib-stream")));
    }

    /**
     * What JDA logs at WARN when its connection is cut: it says it will reconnect, which it must (or, noticing the
     * dead connection by its heartbeats first, that it missed them).
     */
    static boolean expected(String line) {
        return line.contains("Got disconnected from WebSocket") || line.contains("Reconnect failed! Next attempt")
                || line.contains("Missed 2 heartbeats! Trying to reconnect");
    }

    static final class JdaLibrary extends LibraryEvents {
        private final CheckEnv env;
        private final Compression compression;
        private JDA jda;

        JdaLibrary(CheckEnv env, Compression compression) {
            this.env = env;
            this.compression = compression;
        }

        @Override
        public String label() {
            return "JDA " + JDAInfo.VERSION + " " + (compression == Compression.NONE ? "none" : compression.getKey());
        }

        @Override
        public void login(String restBaseUrl) throws Exception {
            URI advertised = Gateways.advertised(env.gateway());
            // every intent, so that every cache JDA has is on (none disabled with a warning) and every list in
            // GUILD_CREATE goes through its builder
            jda = JDABuilder.create(env.token(), GatewayIntent.getIntents(GatewayIntent.ALL_INTENTS))
                    .setRestConfig(new RestConfig().setBaseUrl(restBaseUrl + "/"))
                    .setSessionController(new ConcurrentSessionController() {
                        @Override
                        public String getGateway() {
                            return advertised.toString();
                        }
                    })
                    .setCompression(compression)
                    .setMemberCachePolicy(MemberCachePolicy.ALL)
                    .setChunkingFilter(ChunkingFilter.ALL)
                    .addEventListeners(new ListenerAdapter() {
                        @Override
                        public void onReady(ReadyEvent event) {
                            sessionStarted();
                        }

                        @Override
                        public void onSessionRecreate(SessionRecreateEvent event) {
                            sessionStarted();
                        }

                        @Override
                        public void onSessionResume(SessionResumeEvent event) {
                            sessionResumed();
                        }

                        @Override
                        public void onMessageReceived(MessageReceivedEvent event) {
                            messageReceived(event.getMessage().getContentRaw());
                        }
                    })
                    .build();
            CompletableFuture.runAsync(() -> {
                try {
                    jda.awaitReady();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).get(30, TimeUnit.SECONDS);
        }

        @Override
        public CachedGuild cachedGuild(long guildId) {
            Guild guild = jda.getGuildById(guildId);
            if (guild == null) {
                return null;
            }
            return new CachedGuild(guild.getName(),
                    guild.getTextChannels().stream().map(ISnowflake::getIdLong).toList(), guild.getChannels().size(),
                    guild.getRoles().stream().map(ISnowflake::getIdLong).toList(),
                    guild.getPublicRole().getIdLong() == guildId,
                    guild.getSelfMember().getIdLong() == env.userId(), guild.getMembers().size());
        }

        @Override
        public void shutdown() throws Exception {
            if (jda != null) {
                jda.shutdown();
                if (!jda.awaitShutdown(Duration.ofSeconds(10))) {
                    jda.shutdownNow();
                }
            }
        }
    }
}
