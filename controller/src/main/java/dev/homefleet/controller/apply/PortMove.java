package dev.homefleet.controller.apply;

/**
 * One service whose port in fleet.yaml differs from the PORT its manager's definition starts it with, and what
 * became of moving it.
 *
 * @param from the port the definition had (-1 when it had none)
 * @param to   the port fleet.yaml gives
 */
public record PortMove(String machine, String service, int from, int to, Outcome outcome, String detail) {

    public enum Outcome {
        /** Nothing to do: the definition already has fleet.yaml's port. */
        UNCHANGED,
        /** --dry-run: this would be done. */
        PLANNED,
        /** The new port was refused before anything changed (held by another process, unreachable machine...). */
        REFUSED,
        /** Moved: the service listens on the new port and the old one is free. */
        APPLIED,
        /** Moving failed; the old definition and port are back. */
        ROLLED_BACK,
        /** Moving failed and so did putting the old definition back: the service needs a person. */
        FAILED;

        public boolean ok() {
            return this == UNCHANGED || this == PLANNED || this == APPLIED;
        }
    }
}
