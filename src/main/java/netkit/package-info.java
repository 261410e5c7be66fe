/**
 * netkit: an nc-like network toolkit. {@link netkit.Main} is the entry point; {@link netkit.ExitCode} is the
 * exit-code table and {@link netkit.NetkitException} the one exception that carries an exit code, a Node-style
 * error code and a one-line message. See ARCHITECTURE.md at the repository root for the package map.
 */
package netkit;
