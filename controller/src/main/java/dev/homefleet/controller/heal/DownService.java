package dev.homefleet.controller.heal;

import java.util.Objects;

/**
 * A service the checks found down, as the healer is asked to look at it.
 *
 * @param detail what the last check said ("connection refused"), or null; the gave-up alert quotes it when the
 *               healer has no error of its own for the service
 */
public record DownService(String machine, String service, String detail) {

    public DownService {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(service, "service");
    }

    public DownService(String machine, String service) {
        this(machine, service, null);
    }

    /** {@code "macmini/aphos-server-dev"}, also its key in the {@link RestartBudget}. */
    public String key() {
        return RestartBudget.key(machine, service);
    }
}
