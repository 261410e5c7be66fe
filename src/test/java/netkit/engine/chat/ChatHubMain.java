package netkit.engine.chat;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A bare loopback host for the room, for benchmarks before the CLI wiring exists:
 * {@code ChatHubMain HOST PORT [MAXCONNS]} (backlog 511, console on stdin, log on stdout).
 */
public final class ChatHubMain {
    private ChatHubMain() {}

    public static void main(String[] args) throws IOException {
        ChatOptions options = ChatOptions.defaults()
                .withMaxConnections(args.length > 2 ? Integer.parseInt(args[2]) : 0);
        ChatRoom room = new ChatRoom(options, new FileOutputStream(FileDescriptor.out), RoomEvents.NONE);
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 511);
        Thread.ofVirtual().start(() -> {
            try {
                room.runConsole(System.in);
            } catch (IOException ignored) {
                // console gone: the room goes on
            }
        });
        if (Boolean.getBoolean("chat.monitor")) {
            Thread.ofPlatform().daemon().start(() -> {
                long t0 = System.nanoTime();
                while (true) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.err.printf("%.1fs connections=%d online=%d%n", (System.nanoTime() - t0) / 1e9,
                            room.connections(), room.online());
                }
            });
        }
        while (true) {
            SocketChannel c = server.accept();
            room.admit(c);
        }
    }
}
