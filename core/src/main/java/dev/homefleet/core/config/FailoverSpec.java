package dev.homefleet.core.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import static dev.homefleet.core.config.Defaults.list;
import static dev.homefleet.core.config.Defaults.map;
import static dev.homefleet.core.config.Defaults.or;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A standby that takes over when the primary fails {@code fall} checks in a row, and yields back after
 * {@code rise} successes in a row. The watchdog runs on the standby's machine.
 *
 * @param check the URL the standby polls; default: http://PRIMARY-HOST:PORT/ of the primary service
 */
public record FailoverSpec(
        @JsonIgnore @Name String name,
        @Required Endpoint primary,
        @Required Endpoint standby,
        String check,
        Duration interval,
        Duration timeout,
        Integer fall,
        Integer rise,
        List<Action> onTakeover,
        List<Action> onYield) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_FALL = 3;
    public static final int DEFAULT_RISE = 5;

    public FailoverSpec {
        interval = or(interval, DEFAULT_INTERVAL);
        timeout = or(timeout, DEFAULT_TIMEOUT);
        fall = or(fall, DEFAULT_FALL);
        rise = or(rise, DEFAULT_RISE);
        onTakeover = list(onTakeover);
        onYield = list(onYield);
    }

    public record Endpoint(@Required String machine, String service) {}

    /**
     * One step on takeover or yield, run on the standby's machine: a service operation, an environment change
     * for a service, or a command.
     */
    public record Action(String service, Operation action, Map<String, String> setEnv, List<String> command) {
        public enum Operation { START, STOP, RESTART }

        public Action {
            setEnv = map(setEnv);
            command = list(command);
        }
    }
}
