package netkit.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import netkit.Stdio;
import picocli.CommandLine.Command;

/**
 * The workload the launcher records into the JVM's AOT cache
 * once per build and JDK: it runs the commands a shell loop runs (help, isip, port checks against a
 * loopback listener of its own) in-process with output discarded, so their classes start pre-parsed
 * and pre-linked. Loopback only; every step is bounded.
 */
public final class AotTraining {
    private AotTraining() {}

    /**
     * Invocations of one fast-path pattern with sample values: a port check of an open and a closed loopback
     * port (never read: the backlog accepts), isip with valid, invalid and no arguments.
     */
    static List<String[]> samples(List<String> pattern, String openPort, String closedPort) {
        List<String[]> runs = new ArrayList<>();
        List<List<String>> values = switch (pattern.get(0)) {
            case "tcp-connect" -> List.of(List.of("127.0.0.1", openPort), List.of("127.0.0.1", closedPort),
                    List.of("127.0.0.1", openPort));
            case "isip" -> List.of(List.of("127.0.0.1", "::1", "x"), List.of());
            default -> List.of(List.of());
        };
        for (List<String> v : values) {
            List<String> args = new ArrayList<>();
            int next = 0;
            for (String word : pattern) {
                if (word.equals("VALUE...")) {
                    args.addAll(v.subList(next, v.size()));
                    next = v.size();
                } else if (word.equals("VALUE")) {
                    args.add(v.get(next++));
                } else {
                    args.add(word);
                }
            }
            runs.add(args.toArray(String[]::new));
        }
        return runs;
    }

    /**
     * Runs the workload of one archive kind: {@code fast}, the invocations {@link Netkit#runFast} serves
     * (kept small, because the JVM loads every archived class at start), or {@code full}, everything else.
     */
    public static void run(String kind) throws IOException {
        if (kind.equals("fast")) {
            Stdio.system(); // the real streams' classes, as Main creates them
            InetAddress lo = InetAddress.getLoopbackAddress();
            try (ServerSocket open = new ServerSocket(0, 64, lo)) {
                int closedPort;
                try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                    closedPort = s.getLocalPort();
                }
                // every invocation of the fast-path spec, with sample values: the one list the launcher reads too
                for (List<String> pattern : FastPath.patterns()) {
                    for (String[] args : samples(pattern, String.valueOf(open.getLocalPort()), String.valueOf(closedPort))) {
                        Netkit.runFast(Stdio.of(new ByteArrayInputStream("::1\n10.0.0.1\n".getBytes()),
                                OutputStream.nullOutputStream(), new PrintStream(OutputStream.nullOutputStream())), args);
                    }
                }
            }
            return;
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket open = new ServerSocket(0, 64, lo)) {
            open.setSoTimeout(2000);
            int openPort = open.getLocalPort();
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                closedPort = s.getLocalPort();
            }
            Thread acceptor = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 16; i++) {
                    try (Socket s = open.accept()) {
                        s.getOutputStream().flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            List<String[]> runs = new ArrayList<>();
            runs.add(new String[] {"--help"});
            runs.add(new String[] {"--version"});
            runs.add(new String[] {"--no-such-option"});
            for (Class<? extends BaseCommand> c : Netkit.COMMANDS) {
                runs.add(new String[] {c.getAnnotation(Command.class).name(), "--help"});
            }
            runs.add(new String[] {"isip", "127.0.0.1", "::1", "fe80::1%lo", "127.1"});
            runs.add(new String[] {"isip", "-v", "--json", "10.0.0.1"});
            runs.add(new String[] {"isip"}); // stdin bulk mode
            String lit = "127.0.0.1";
            runs.add(new String[] {"tcp-connect", "-z", lit, String.valueOf(openPort)});
            runs.add(new String[] {"tcp-connect", "-z", lit, String.valueOf(closedPort)});
            runs.add(new String[] {"tcp-connect", "-z", "-v", lit, openPort + "," + closedPort});
            runs.add(new String[] {"tcp-connect", "-z", "--json", lit, String.valueOf(openPort)});
            runs.add(null); // from here on, the scanner's loopback fast path as well (PortScanner)
            runs.add(new String[] {"tcp-connect", "-z", lit, String.valueOf(openPort)});
            runs.add(new String[] {"tcp-connect", "-z", lit, closedPort + "," + openPort});
            for (String[] args : runs) {
                if (args == null) {
                    System.setProperty("netkit.scan.loopbackProbe", "always");
                    continue;
                }
                PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
                Stdio stdio = Stdio.of(new ByteArrayInputStream("127.0.0.1\n::1\nx\n".getBytes()),
                        OutputStream.nullOutputStream(), nowhere);
                Netkit.commandLine(stdio, args).execute(args);
            }
            acceptor.interrupt();
        }
    }
}
