package dev.homefleet.controller.store;

import java.time.Instant;

/**
 * A check-in's state as the store keeps it, so a restarted controller neither forgets that a job was down nor
 * announces it a second time.
 *
 * @param state      new, up, late, down or paused
 * @param since      when it entered that state
 * @param anchor     the instant its next expected run is counted from (its last report, or when it was resumed)
 * @param lastReport when it last reported, or null
 */
public record CheckinRecord(String name, String state, Instant since, Instant anchor, Instant lastReport,
        String lastStatus, String lastMessage) {}
