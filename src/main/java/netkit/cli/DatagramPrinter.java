package netkit.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import netkit.NetkitException;
import netkit.Stdio;
import netkit.engine.udp.Datagram;
import netkit.engine.udp.DatagramSink;
import netkit.engine.udp.PayloadWriter;
import netkit.net.AddressFormat;
import netkit.output.HexDump;
import netkit.output.Json;
import netkit.output.Output;
import netkit.output.OutputFile;

/**
 * How every datagram command shows traffic: received payloads byte for byte on stdout (or
 * {@code -o FILE}); with {@code -v} the sender {@code from ADDRESS:PORT (IPv4, N bytes)} on stderr;
 * with {@code --json} a message record with Node's sender-info names on stdout instead of the
 * payload; {@code sent N bytes to ADDRESS:PORT} per datagram sent; and the {@code -x} hex dump.
 */
final class DatagramPrinter implements DatagramSink, Closeable {
    private final Output output;
    private final PayloadWriter payload;
    private final OutputStream file;
    private final HexDump hex;
    private final OutputStream hexFile;
    /** With -v each sender line comes first and its payload is written and flushed right after it. */
    private final OutputStream inOrder;

    DatagramPrinter(Output output, Stdio stdio, UdpOutputOptions options) {
        this.output = output;
        this.file = options.output != null ? OutputFile.open(options.output, options.append, "--output") : null;
        OutputStream payloadStream = file != null ? file : output.json() ? null : stdio.out();
        // -v: a line per datagram, so each payload is written under its own line instead of by the
        // writer thread, which would let the next sender line overtake it
        boolean lineByLine = payloadStream != null && !output.json() && output.enabled(1);
        this.inOrder = lineByLine ? payloadStream : null;
        this.payload = payloadStream == null || lineByLine ? null : new PayloadWriter(payloadStream);
        if (options.hexdump == null) {
            hexFile = null;
            hex = null;
        } else if (options.hexdump.equals("-")) {
            hexFile = null;
            hex = new HexDump(stdio.err());
        } else {
            hexFile = OutputFile.open(java.nio.file.Path.of(options.hexdump), false, "--hexdump");
            hex = new HexDump(hexFile);
        }
    }

    /** A received datagram. */
    @Override
    public void accept(Datagram d) {
        if (payload != null) {
            try {
                payload.write(d.payload());
            } catch (IOException e) {
                throw NetkitException.output(e, file != null ? "--output" : "stdout");
            }
        }
        if (inOrder != null) {
            output.event(1, fromLine(d), null); // flushed before the payload (SPEC §1)
            synchronized (inOrder) {
                try {
                    inOrder.write(d.payload());
                    inOrder.flush();
                } catch (IOException e) {
                    throw NetkitException.output(e, file != null ? "--output" : "stdout");
                }
            }
        } else if (output.json()) {
            Json record = Json.event("message")
                    .put("address", d.address())
                    .put("family", d.family())
                    .put("port", d.port())
                    .put("size", d.size());
            String text = utf8(d.payload());
            if (text != null) {
                record.put("text", text);
            } else {
                record.put("base64", Base64.getEncoder().encodeToString(d.payload()));
            }
            output.record(null, record);
        } else if (output.enabled(1)) {
            output.event(1, fromLine(d), null); // -v with the payload in --output, or none
        }
        if (hex != null) {
            hex.record(HexDump.Direction.RECEIVED, d.payload(), 0, d.size());
        }
    }

    private static String fromLine(Datagram d) {
        return "from " + AddressFormat.hostPort(d.peer()) + " (" + d.family() + ", " + d.size()
                + (d.size() == 1 ? " byte)" : " bytes)");
    }

    /** The sink for sent datagrams: Node's send callback as {@code -v}/JSON events, and the hex dump. */
    DatagramSink sent() {
        return d -> {
            if (output.enabled(1)) {
                output.event(
                        1,
                        "sent " + d.size() + (d.size() == 1 ? " byte" : " bytes") + " to "
                                + AddressFormat.hostPort(d.peer()),
                        Json.event("sent")
                                .put("address", d.address())
                                .put("port", d.port())
                                .put("bytes", d.size()));
            }
            if (hex != null) {
                hex.record(HexDump.Direction.SENT, d.payload(), 0, d.size());
            }
        };
    }

    /** The payload as text when it is valid UTF-8, else null. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Writes out everything received, then closes the files it opened. */
    @Override
    public void close() throws IOException {
        try {
            if (payload != null) {
                payload.close();
            }
        } catch (IOException e) {
            throw NetkitException.output(e, file != null ? "--output" : "stdout");
        } finally {
            if (file != null) {
                file.close();
            }
            if (hexFile != null) {
                hexFile.close();
            }
        }
    }
}
