package dev.homefleet.controller.cli;

/** What {@code fleet} exits with. */
public final class ExitCodes {
    /** Done; nothing wrong found. */
    public static final int OK = 0;
    /** The command ran and found something wrong (an invalid fleet.yaml, a port conflict, a full range). */
    public static final int FINDING = 1;
    /** The command line itself was wrong, or there was no fleet file to read. */
    public static final int USAGE = 2;

    private ExitCodes() {}
}
