/**
 * The command layer: one picocli {@code *Command} per subcommand ({@link netkit.cli.Netkit} registers them and is
 * the one factory of the command line), mixins for shared options, converters, and the printers that turn engine
 * events into {@code -v} lines or JSON. A command maps its options to the engine's records and calls the engine;
 * threads, loops and deadlines live in {@code netkit.engine}. Also: the start-up fast path
 * ({@code Netkit.runFast}), the AOT training workload and the generator of man pages and completions.
 */
package netkit.cli;
