/**
 * The terminal side: the session REPL (a function of a JLine {@code Terminal} and a
 * {@link netkit.repl.ReplSession}), its adapters for each command, and the interactive shell. JLine is loaded
 * only here and only when a terminal session runs; {@link netkit.repl.Interactive} is the entry point that does
 * not load it.
 */
package netkit.repl;
