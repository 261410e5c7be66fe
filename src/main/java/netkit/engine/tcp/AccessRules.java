package netkit.engine.tcp;

import java.net.InetAddress;
import java.util.List;
import netkit.net.Cidr;

/**
 * {@code --allow}/{@code --deny}: deny wins; once any allow rule exists, everything not allowed is
 * denied. IPv4-mapped IPv6 clients match IPv4 rules (see {@link Cidr}).
 */
public record AccessRules(List<Cidr> allow, List<Cidr> deny) {
    public static final AccessRules OPEN = new AccessRules(List.of(), List.of());

    /** Null when {@code address} may connect, else the reason it may not. */
    public String check(InetAddress address) {
        for (Cidr c : deny) {
            if (c.contains(address)) {
                return "denied by --deny " + c;
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
        return "not in --allow";
    }
}
