package one.derailed.check.discord4j;

import discord4j.common.util.Snowflake;
import discord4j.core.DiscordClientBuilder;
import discord4j.core.GatewayDiscordClient;
import discord4j.core.event.domain.guild.GuildCreateEvent;
import discord4j.core.event.domain.lifecycle.ReadyEvent;
import discord4j.core.event.domain.lifecycle.ResumeEvent;
import discord4j.core.event.domain.message.MessageCreateEvent;
import discord4j.core.object.entity.Guild;
import discord4j.core.object.entity.channel.TextChannel;
import discord4j.core.retriever.EntityRetrievalStrategy;
import discord4j.gateway.intent.Intent;
import discord4j.gateway.intent.IntentSet;
import discord4j.rest.request.RouterOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import one.derailed.check.CheckEnv;
import one.derailed.check.LibraryEvents;
import one.derailed.check.Matrix;
import one.derailed.check.Waits;
import reactor.core.publisher.Mono;

/**
 * Discord4jCheck: Discord4J, unmodified, from Maven Central, in its only compression mode (zlib-stream: Discord4J
 * always asks for it). Its REST base URL (RouterOptions) points at the check's stand-in, which passes /gateway on to
 * the gateway; Discord4J connects where that answer says. Its entities are immutable records built by Jackson from
 * the payloads (discord-json), which refuse a payload that lacks a field they require.
 */
public final class Discord4jCheck {
    private Discord4jCheck() {}

    public static void main(String[] args) {
        Matrix.run("discord4j", Discord4jCheck::expected,
                env -> List.of(new Matrix.Mode(new Discord4jLibrary(env), "zlib-stream")));
    }

    /**
     * What Discord4J logs at WARN when its connection is cut, before it resumes: the close it saw, or, when it
     * notices the dead connection by its heartbeats first, the missing ACK and that it reconnects.
     */
    static boolean expected(String line) {
        return line.contains("CloseException: WebSocket closed: 1006 Abnormal closure")
                || line.contains("Missing heartbeat ACK") || line.contains("Reconnecting due to zombie or failed connection");
    }

    static final class Discord4jLibrary extends LibraryEvents {
        private final CheckEnv env;
        private final List<Long> guildsCreated = new CopyOnWriteArrayList<>();
        private GatewayDiscordClient client;

        Discord4jLibrary(CheckEnv env) {
            this.env = env;
        }

        @Override
        public String label() {
            return "Discord4J " + GatewayDiscordClient.class.getPackage().getImplementationVersion() + " zlib-stream";
        }

        @Override
        public void login(String restBaseUrl) {
            client = DiscordClientBuilder.create(env.token())
                    .setExtraOptions(o -> new RouterOptions(o.getToken(), o.getReactorResources(),
                            o.getExchangeStrategies(), o.getResponseTransformers(), o.getGlobalRateLimiter(),
                            o.getRequestQueueFactory(), restBaseUrl))
                    .build()
                    .gateway()
                    // every entity from Discord4J's own store (what the gateway sent), never from REST
                    .setEntityRetrievalStrategy(EntityRetrievalStrategy.STORE)
                    .setEnabledIntents(IntentSet.of(Intent.GUILDS, Intent.GUILD_MEMBERS, Intent.GUILD_PRESENCES,
                            Intent.GUILD_MESSAGES, Intent.MESSAGE_CONTENT))
                    .withEventDispatcher(events -> Mono.when(
                            events.on(ReadyEvent.class).doOnNext(ready -> sessionStarted()),
                            events.on(ResumeEvent.class).doOnNext(resumed -> sessionResumed()),
                            events.on(GuildCreateEvent.class)
                                    .doOnNext(created -> guildsCreated.add(created.getGuild().getId().asLong())),
                            events.on(MessageCreateEvent.class)
                                    .doOnNext(created -> messageReceived(created.getMessage().getContent()))))
                    .login()
                    .block(Duration.ofSeconds(30));
            if (!Waits.until(Duration.ofSeconds(15), () -> guildsCreated.contains(env.guildId()))) {
                throw new IllegalStateException("no GuildCreateEvent for guild " + env.guildId()
                        + " within 15 s of login (READY seen " + readies() + "x)");
            }
        }

        @Override
        public CachedGuild cachedGuild(long guildId) {
            Guild guild = client.getGuildById(Snowflake.of(guildId)).block(Duration.ofSeconds(5));
            if (guild == null) {
                return null;
            }
            List<Long> text = guild.getChannels().ofType(TextChannel.class).map(c -> c.getId().asLong())
                    .collectList().block(Duration.ofSeconds(5));
            long channels = guild.getChannels().count().block(Duration.ofSeconds(5));
            List<Long> roles = guild.getRoles().map(r -> r.getId().asLong()).collectList()
                    .block(Duration.ofSeconds(5));
            boolean everyone = guild.getEveryoneRole().map(r -> r.getId().asLong() == guildId)
                    .blockOptional(Duration.ofSeconds(5)).orElse(false);
            boolean self = guild.getSelfMember().map(m -> m.getId().asLong() == env.userId())
                    .blockOptional(Duration.ofSeconds(5)).orElse(false);
            long members = guild.getMembers().count().block(Duration.ofSeconds(5));
            return new CachedGuild(guild.getName(), text, (int) channels, roles, everyone, self, (int) members);
        }

        @Override
        public void shutdown() {
            if (client != null) {
                client.logout().block(Duration.ofSeconds(10));
            }
        }
    }
}
