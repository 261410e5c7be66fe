/**
 * Everything a command writes besides payload, in one place: {@link netkit.output.Output} (text lines or JSON
 * Lines, colour only on terminals), the JSON writer, hex dumps, the progress line and output files.
 */
package netkit.output;
