package netkit.cli;

import java.util.List;
import netkit.NetkitException;

/**
 * The {@code [ADDRESS] PORT} arguments of the listeners: one or two words, never more, so a word too many
 * is a usage error instead of a listener on every interface (SPEC §1, strict command lines).
 *
 * @param address the ADDRESS word (checked by {@link Converters#host}), or null for every interface
 * @param port    the PORT word, parsed by the command
 */
record AddressPort(String address, String port) {
    static AddressPort of(List<String> words) {
        if (words.size() > 2) {
            throw NetkitException.usage("unexpected argument '" + words.get(2) + "' (expected [ADDRESS] PORT)");
        }
        String address = words.size() == 2 ? Converters.host("ADDRESS", words.get(0)) : null;
        return new AddressPort(address, words.get(words.size() - 1));
    }
}
