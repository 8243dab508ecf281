package dev.homefleet.agent.failover;

/** One look at the primary, bounded by the failover's timeout; every failure is a result, never an exception. */
public interface PrimaryCheck {

    /** What is checked, for logs and the status: the URL. */
    String target();

    /** Checks once and returns within the timeout (plus scheduling noise). */
    CheckResult run() throws InterruptedException;
}
