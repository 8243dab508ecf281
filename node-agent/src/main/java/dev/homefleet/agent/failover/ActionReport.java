package dev.homefleet.agent.failover;

import dev.homefleet.agent.failover.FailoverMachine.Run;
import java.time.Instant;

/**
 * How the last takeover or yield actions went.
 *
 * @param at     when they finished
 * @param detail what was done, or which step failed and why
 */
public record ActionReport(Run run, Instant at, boolean ok, String detail) {}
