package one.derailed.check;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Publisher publishes events as the Derailed API does, through the gateway's gRPC ingress, with the gateway's own
 * client (grpc/IngressClient) loaded from the app jar and its lib/ in a class loader of its own: its gRPC, Netty and
 * Jackson never meet the library's.
 */
public final class Publisher implements AutoCloseable {
    private final URLClassLoader loader;
    private final Object client;
    private final Method publishToGuild;
    private final Method close;
    private long counter;

    public Publisher(CheckEnv env) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(env.appJar().toUri().toURL());
        try (Stream<Path> jars = Files.list(env.appJar().getParent().resolve("lib"))) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw new IllegalStateException("no lib/ beside " + env.appJar(), e);
        }
        loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Class<?> type = loader.loadClass("one.derailed.gateway.grpc.IngressClient");
        client = type.getConstructor(String.class, int.class, String.class)
                .newInstance(env.grpcHost(), env.grpcPort(), env.grpcSecret());
        publishToGuild = type.getMethod("publishToGuild", long.class, String.class, String.class);
        close = type.getMethod("close");
    }

    public void publish(long guildId, String event, String dataJson) throws Exception {
        publishToGuild.invoke(client, guildId, event, dataJson);
    }

    /**
     * Publishes a MESSAGE_CREATE in {@code channelId} by {@code author} with {@code content}: a whole message object,
     * as Discord sends it (a library reads every field it always has).
     */
    public void message(long guildId, long channelId, long authorId, String authorName, String content)
            throws Exception {
        long id = ((System.currentTimeMillis() - 1_420_070_400_000L) << 22) | (++counter & 0xfff);
        String now = Instant.now().toString();
        publish(guildId, "MESSAGE_CREATE", "{\"id\":\"" + id + "\",\"channel_id\":\"" + channelId
                + "\",\"guild_id\":\"" + guildId + "\",\"author\":{\"id\":\"" + authorId + "\",\"username\":\""
                + authorName + "\",\"discriminator\":\"0\",\"global_name\":null,\"avatar\":null,\"public_flags\":0},"
                + "\"member\":{\"roles\":[],\"joined_at\":\"" + now + "\",\"deaf\":false,\"mute\":false,\"flags\":0},"
                + "\"content\":\"" + content + "\",\"nonce\":\"" + id + "\",\"timestamp\":\"" + now
                + "\",\"edited_timestamp\":null,\"tts\":false,\"mention_everyone\":false,\"mentions\":[],"
                + "\"mention_roles\":[],\"attachments\":[],\"embeds\":[],\"components\":[],\"pinned\":false,"
                + "\"type\":0,\"flags\":0}");
    }

    @Override
    public void close() throws Exception {
        close.invoke(client);
        loader.close();
    }
}
