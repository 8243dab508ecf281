package dev.homefleet.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Which machine of the fleet a process is running on, from the host name and the addresses it has. */
public final class MachineIdentity {
    private MachineIdentity() {}

    /**
     * @return the machines matching: first by host name (against machine names and mDNS names, ignoring
     *         {@code .local} and case), else by address (LAN or Tailscale); several only when the file is ambiguous
     */
    public static List<MachineSpec> match(FleetConfig config, String hostname, Collection<String> localAddresses) {
        String host = bare(hostname);
        List<MachineSpec> byName = new ArrayList<>();
        for (MachineSpec machine : config.machines().values()) {
            String mdns = machine.addresses().mdns();
            if (host.equals(bare(machine.name())) || (mdns != null && host.equals(bare(mdns)))) {
                byName.add(machine);
            }
        }
        if (!byName.isEmpty()) {
            return byName;
        }
        List<MachineSpec> byAddress = new ArrayList<>();
        for (MachineSpec machine : config.machines().values()) {
            Addresses a = machine.addresses();
            if ((a.lan() != null && localAddresses.contains(a.lan()))
                    || (a.tailscale() != null && localAddresses.contains(a.tailscale()))) {
                byAddress.add(machine);
            }
        }
        return byAddress;
    }

    private static String bare(String name) {
        String lower = name.toLowerCase(Locale.ROOT).strip();
        if (lower.endsWith(".")) {
            lower = lower.substring(0, lower.length() - 1);
        }
        return lower.endsWith(".local") ? lower.substring(0, lower.length() - ".local".length()) : lower;
    }
}
