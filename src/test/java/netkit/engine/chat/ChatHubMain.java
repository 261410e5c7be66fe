package netkit.engine.chat;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.net.InetAddress;
import netkit.engine.tcp.ChatHandler;
import netkit.engine.tcp.ListenOptions;
import netkit.engine.tcp.Listener;
import netkit.engine.tcp.TcpEvents;
import netkit.engine.tcp.Totals;

/**
 * The room behind the engine's listener without the CLI, for benchmarks of the engine alone:
 * {@code ChatHubMain HOST PORT [MAXCONNS]} (backlog 511, console on stdin, log on stdout). With
 * {@code -Dchat.monitor=true} it prints the open connection count twice a second on stderr.
 */
public final class ChatHubMain {
    private ChatHubMain() {}

    public static void main(String[] args) throws Exception {
        int max = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        ChatRoom room = new ChatRoom(
                ChatOptions.defaults().withMaxConnections(max),
                new FileOutputStream(FileDescriptor.out),
                RoomEvents.NONE);
        Listener listener = Listener.bind(
                ListenOptions.builder()
                        .address(InetAddress.getByName(args[0]))
                        .port(Integer.parseInt(args[1]))
                        .keepOpen(true)
                        .maxConns(max)
                        .build(),
                TcpEvents.NONE,
                new Totals());
        if (Boolean.getBoolean("chat.monitor")) {
            Thread.ofPlatform().daemon().start(() -> {
                long t0 = System.nanoTime();
                while (true) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.err.printf(
                            "%.1fs connections=%d%n", (System.nanoTime() - t0) / 1e9, listener.connectionCount());
                }
            });
        }
        listener.serve(new ChatHandler(room, System.in, TcpEvents.NONE));
    }
}
