package dev.homefleet.agent.service;

import dev.homefleet.launchd.service.LaunchdServiceManager;
import java.util.List;

/** The service managers of a real machine: launchd through launchctl, pm2 from the machine's PATH or a given one. */
public final class Managers {
    private Managers() {}

    static final ServiceManagers.Launchd LAUNCHD =
            (machine, service, runner) -> new LaunchdServiceManager(service.name(), service.manager(), runner);

    public static ServiceManagers standard() {
        return new ServiceManagers(LAUNCHD, null);
    }

    /** @param pm2 the argv that runs pm2 (e.g. its absolute path), or null for pm2 on the PATH */
    public static ServiceManagers withPm2(List<String> pm2) {
        return new ServiceManagers(LAUNCHD, pm2);
    }
}
