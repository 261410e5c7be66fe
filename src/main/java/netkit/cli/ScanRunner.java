package netkit.cli;

import java.time.Duration;
import java.util.Locale;
import netkit.ExitCode;
import netkit.engine.scan.PortResult;
import netkit.engine.scan.PortScanner;
import netkit.engine.scan.PortState;
import netkit.engine.scan.ScanListener;
import netkit.output.Json;
import netkit.output.Output;

/**
 * {@code tcp-connect -z}: runs a {@link PortScanner} and prints its results (SPEC §2, Scan).
 *
 * <ul>
 *   <li>Text: each open port on stdout as {@code HOST PORT open}, in port order; with {@code -v}
 *       also {@code HOST PORT closed|filtered} on stderr and a summary line at the end.
 *   <li>A single port behaves like {@code nc -z}: nothing on stdout, the exit code tells; with
 *       {@code -v} its line ({@code open} too) goes to stderr, as nc's "succeeded" line does.
 *   <li>{@code --json}: one {@code {"event":"port",…}} record per port on stdout, in port order
 *       (a single port too: a script that asks for JSON wants the record), and a {@code scan}
 *       summary event on stderr.
 * </ul>
 * Exit 0 when at least one port is open, 1 when none is.
 */
final class ScanRunner {
    /** The connect timeout of a probe when {@code -w} is not given: shorter than a session's. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** Probes in flight when {@code --concurrency} is not given. */
    static final int DEFAULT_CONCURRENCY = 200;

    private ScanRunner() {}

    static ExitCode run(ScanRequest request, Output output) throws InterruptedException {
        Printer printer = new Printer(request, output);
        PortScanner scanner = new PortScanner(
                request.address(), request.ports().ports(), request.timeout(), request.concurrency(), request.probe());
        PortScanner.Summary summary = scanner.scan(printer);
        if (!request.ports().single() && output.enabled(1)) {
            output.event(
                    1,
                    String.format(
                            Locale.ROOT,
                            "scanned %d ports of %s in %.3f s: %d open, %d closed, %d filtered",
                            summary.ports(),
                            request.host(),
                            summary.nanos() / 1e9,
                            summary.open(),
                            summary.closed(),
                            summary.filtered()),
                    Json.event("scan")
                            .put("host", request.host())
                            .put("address", request.address().getHostAddress())
                            .put("ports", summary.ports())
                            .put("open", summary.open())
                            .put("closed", summary.closed())
                            .put("filtered", summary.filtered())
                            .put("ms", Math.round(summary.nanos() / 1e3) / 1e3));
        }
        return summary.open() > 0 ? ExitCode.OK : ExitCode.FAILURE;
    }

    /** Formats results as they arrive; stdout lines are batched per burst, stderr lines are not. */
    private static final class Printer implements ScanListener {
        private final String host;
        private final Output output;
        private final boolean single;
        private final boolean json;
        private final boolean verbose;
        private final StringBuilder pending = new StringBuilder(4096);

        Printer(ScanRequest request, Output output) {
            this.host = request.host();
            this.output = output;
            this.single = request.ports().single();
            this.json = output.json();
            this.verbose = output.verbosity() > 0;
        }

        @Override
        public void result(PortResult r) {
            if (json) {
                pending.append(output.recordLine(
                        null,
                        Json.event("port")
                                .put("host", host)
                                .put("port", r.port())
                                .put("state", r.state().label())
                                .put("ms", r.millis())));
            } else if (r.state() == PortState.OPEN && !single) {
                pending.append(output.recordLine(host + " " + r.port() + " open", null));
            } else if (verbose) {
                burstEnd(); // keep stdout and stderr lines in port order on a terminal
                output.event(1, host + " " + r.port() + " " + r.state().label(), null);
            }
            if (pending.length() >= 1 << 16) {
                burstEnd();
            }
        }

        @Override
        public void burstEnd() {
            output.writeRecords(pending);
            pending.setLength(0);
        }
    }
}
