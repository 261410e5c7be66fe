package netkit.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tcp-listen --forward-tls}: tcp-connect's TLS options ({@link TlsConnectOptions}) once more,
 * for each forwarded client's upstream connection, as {@code --forward-cafile}, {@code --forward-pin},
 * … (SPEC §12, §13). The listener's own {@code --tls}, {@code --cert}, {@code --cafile} are the
 * clients' side; these are the upstream's. Added to tcp-listen's model by {@link PrefixedOptions}.
 */
final class ForwardTlsOptions implements IModelTransformer {
    static final String PREFIX = "forward-";

    /** The option names as tcp-listen has them, for "needs --forward-tls". */
    static final List<String> NAMES = TlsConnectOptions.NAMES.stream()
            .map(n -> PrefixedOptions.prefixed(n, PREFIX))
            .toList();

    private static final String TLS = "With --forward: speak TLS 1.2/1.3 to TARGET on each client's upstream "
            + "connection; the clients' side stays plain, or is TLS too with --tls (a TLS terminator, originator or "
            + "both, as stunnel). The upstream's certificate is verified as by 'tcp-connect --tls': it must come "
            + "from a CA the JDK trusts (or --forward-cafile) and name TARGET's host (or --forward-sni NAME). "
            + "--forward-pin, --forward-insecure, --forward-cert/--forward-key, --forward-alpn and "
            + "--forward-tls-min are tcp-connect's --pin, --insecure, --cert/--key, --alpn and --tls-min for the "
            + "upstream. The handshake is part of the connect (--forward-timeout). A failed handshake closes only "
            + "that client, at once, and its close event carries the reason with code ETLS; the listener goes on. "
            + "A unix:PATH TARGET has no name to check: give --forward-sni, --forward-pin or --forward-insecure.";

    @Override
    public CommandSpec transform(CommandSpec spec) {
        if (spec.findOption(NAMES.get(0)) != null) {
            return spec; // picocli applies transformers again to a spec it wraps (completion): once is enough
        }
        TcpListenCommand command = (TcpListenCommand) spec.userObject();
        PrefixedOptions.add(spec, command.forwardTls, PREFIX, Map.of("--tls", TLS), Map.of("HOST", "TARGET's host"));
        return spec;
    }
}
