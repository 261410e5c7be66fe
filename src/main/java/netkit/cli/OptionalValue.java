package netkit.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * For options with an optional value ({@code --keepalive[=DELAY]}, {@code -x, --hexdump[=FILE]},
 * {@code --progress[=WHEN]}): the value counts only when attached with {@code =}, so
 * {@code -x HOST PORT} never takes HOST as the file. Without it, the option's fallback value applies.
 */
public final class OptionalValue implements IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
        if (" ".equals(info.get("separator")) && argSpec instanceof OptionSpec option) {
            args.push(option.fallbackValue());
        }
        return false;
    }
}
