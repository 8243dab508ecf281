package dev.homefleet.agent.failover;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the standby alerts a person directly, Telegram in production: the controller usually lives on the machine
 * that just failed, so the standby cannot count on it to pass the news on. Called once per transition, from a
 * thread of its own (a slow alert never delays a check), in order.
 */
@FunctionalInterface
public interface FailoverAlerts {

    void transition(FailoverEvent event);

    /** One WARN line per transition in the agent's log: the alert until a notifier is connected. */
    static FailoverAlerts log() {
        Logger log = LoggerFactory.getLogger(FailoverAlerts.class);
        return event -> log.warn("failover alert: {}", event.message());
    }
}
