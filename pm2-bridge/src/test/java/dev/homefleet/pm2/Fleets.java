package dev.homefleet.pm2;

import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.config.ReachSpec;
import dev.homefleet.core.config.ServiceSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** fleet.yaml's records, built in code for tests that need one service or machine. */
final class Fleets {
    private Fleets() {}

    static ManagerSpec pm2(String name, String script, List<String> args, String cwd, String interpreter,
            Map<String, String> env) {
        return new ManagerSpec(ManagerSpec.Type.PM2, null, null, null, name, script, args, cwd, interpreter, env,
                null, null);
    }

    static ServiceSpec service(String name, ManagerSpec manager, Integer port) {
        return new ServiceSpec(name, null, manager, port, null, null, null, null, null);
    }

    static MachineSpec machine(String name, ServiceSpec... services) {
        Map<String, ServiceSpec> byName = new LinkedHashMap<>();
        for (ServiceSpec service : services) {
            byName.put(service.name(), service);
        }
        return new MachineSpec(name, null, MachineSpec.Os.LINUX, null, null, null,
                new ReachSpec(ReachSpec.Via.LOCAL, null), null, byName);
    }
}
