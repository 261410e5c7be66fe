package netkit.cli;

import netkit.NetkitException;
import netkit.net.Family;
import picocli.CommandLine.Option;

/** {@code -4} and {@code -6}, the same in every command; what the family restricts is in each command's help. */
public final class FamilyOptions {
    @Option(names = "-4", description = "IPv4 only.")
    boolean ipv4;

    @Option(names = "-6", description = "IPv6 only.")
    boolean ipv6;

    /** The family asked for; both at once is a usage error. */
    public Family family() {
        if (ipv4 && ipv6) {
            throw NetkitException.usage("-4 and -6 cannot be combined");
        }
        return ipv4 ? Family.IPV4 : ipv6 ? Family.IPV6 : Family.ANY;
    }
}
