package netkit.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * For options with an optional value ({@code -r, --wait-reply[=DUR]}, {@code -x, --hexdump[=FILE]}):
 * the value counts only when attached ({@code --wait-reply=5s}, {@code -r5s}); a separate next
 * argument is never taken, so {@code udp-send -r HOST PORT} keeps HOST as HOST.
 */
public final class UdpOptionalValue implements IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
        if (" ".equals(info.get("separator")) && argSpec instanceof OptionSpec option) {
            args.push(option.fallbackValue());
        }
        return false;
    }
}
