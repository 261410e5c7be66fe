package netkit.engine.proxy;

import java.net.InetAddress;
import java.util.List;
import netkit.net.Cidr;

/**
 * {@code --proxy-allow}/{@code --proxy-deny}: which destinations the proxy server connects to.
 * Deny wins; once any allow rule exists, everything not allowed is denied. Checked on the address a
 * name resolved to, so a name cannot smuggle a denied address through.
 */
public record DestinationRules(List<Cidr> allow, List<Cidr> deny) {
    public static final DestinationRules OPEN = new DestinationRules(List.of(), List.of());

    /** Null when the proxy may connect to {@code address}, else the reason it may not. */
    public String check(InetAddress address) {
        for (Cidr c : deny) {
            if (c.contains(address)) {
                return "denied by --proxy-deny " + c;
            }
        }
        if (allow.isEmpty()) {
            return null;
        }
        for (Cidr c : allow) {
            if (c.contains(address)) {
                return null;
            }
        }
        return "not in --proxy-allow";
    }
}
