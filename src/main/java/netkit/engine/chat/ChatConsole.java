package netkit.engine.chat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The room's console user ({@link ChatOptions#consoleName()}, {@code server}): the server's stdin,
 * read line by line like a member's input. Plain lines go to everyone as {@code <server> TEXT},
 * {@code /msg} whispers, and the replies a member would get ({@code /list}, {@code /help}, errors)
 * go to the room's log, which is the console's stdout.
 */
final class ChatConsole {
    private final ChatRoom room;
    private final ChatOptions options;
    private final String me;

    ChatConsole(ChatRoom room, ChatOptions options) {
        if (options.consoleName() == null) {
            throw new IllegalStateException("this room has no console user");
        }
        this.room = room;
        this.options = options;
        this.me = options.consoleName();
    }

    /** Reads until end of stream (false: the room goes on) or {@code /quit} (true: the host closes the room). */
    boolean run(InputStream in) throws IOException {
        LineSplitter splitter = new LineSplitter(options.maxLineBytes());
        boolean[] quit = {false};
        LineSplitter.Sink sink = (bytes, length, cut, crlf) -> {
            if (cut) {
                room.log(ChatText.line("! the line was longer than " + options.maxLineBytes() + " bytes and was cut"));
            }
            quit[0] = !line(ChatText.clean(bytes, 0, length));
            return !quit[0];
        };
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (!splitter.feed(ByteBuffer.wrap(buf, 0, n), sink)) {
                return true;
            }
        }
        splitter.finish(sink);
        return quit[0];
    }

    /** One clean line; false on {@code /quit}. */
    private boolean line(String text) {
        switch (ChatCommand.parse(text)) {
            case ChatCommand.Say say -> room.broadcast(null, ChatText.line("<" + me + "> " + say.text()));
            case ChatCommand.Msg msg -> room.whisper(null, me, msg.to(), msg.text());
            case ChatCommand.ListUsers l -> room.log(room.listLine());
            case ChatCommand.Help h -> room.log(ChatRoom.HELP);
            case ChatCommand.Nick n -> room.log(ChatText.line("! the console user is always '" + me + "'"));
            case ChatCommand.Invalid inv -> room.log(ChatText.line("! " + inv.error()));
            case ChatCommand.Quit q -> {
                return false;
            }
            case ChatCommand.Nothing n -> {}
        }
        return true;
    }
}
