package dev.homefleet.core.config;

/**
 * One thing wrong (or doubtful) in a fleet file: where it is, which key, and what to do about it.
 *
 * @param line   1-based; 0 when the problem has no place in the file (a missing file)
 * @param column 1-based; 0 when unknown
 * @param path   the key path, e.g. {@code machines.macmini.services.aphos-server-prod.port};
 *               empty for the document as a whole
 */
public record Problem(Severity severity, String file, int line, int column, String path, String message) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code fleet.yaml:12:7: machines.macbook.port: message}, the shape compilers use. */
    public String format() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line).append(':').append(column);
        }
        out.append(": ");
        if (severity == Severity.WARNING) {
            out.append("warning: ");
        }
        if (!path.isEmpty()) {
            out.append(path).append(": ");
        }
        return out.append(message).toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
