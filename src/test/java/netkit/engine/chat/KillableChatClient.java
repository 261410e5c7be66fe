package netkit.engine.chat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A client in its own process (killed by a test): joins as args[1] and reads until killed. */
public final class KillableChatClient {
    private KillableChatClient() {}

    public static void main(String[] args) throws Exception {
        try (Socket s = new Socket("127.0.0.1", Integer.parseInt(args[0]))) {
            OutputStream out = s.getOutputStream();
            out.write((args[1] + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            long deadline = System.nanoTime() + 60_000_000_000L; // never outlive a test run
            while (in.read(buf) >= 0 && System.nanoTime() < deadline) {
                // keep reading until the test kills this process
            }
        }
    }
}
