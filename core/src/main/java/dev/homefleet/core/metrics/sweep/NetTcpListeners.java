package dev.homefleet.core.metrics.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.core.metrics.ListeningSocket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Get-NetTCPConnection on Windows: LocalAddress, LocalPort and OwningProcess of every listening socket, with the
 * process name joined from Get-Process in the same script, as a JSON array.
 */
final class NetTcpListeners {

    /*
     * The [int] casts: OwningProcess is a UInt32 and Get-Process's Id an Int32, and a hashtable keyed by one does not
     * find the other. -InputObject keeps a single socket (or none) an array. No double quote, as in WindowsSweep.
     */
    static final String SCRIPT = String.join(" ",
            "$ErrorActionPreference = 'Stop';",
            "$names = @{};",
            "foreach ($p in Get-Process) { $names[[int]$p.Id] = $p.ProcessName };",
            "$rows = @(Get-NetTCPConnection -State Listen -ErrorAction SilentlyContinue"
                    + " | Select-Object LocalAddress, LocalPort, OwningProcess,"
                    + " @{ Name = 'ProcessName'; Expression = { $names[[int]$_.OwningProcess] } });",
            "ConvertTo-Json -InputObject $rows -Compress");

    private NetTcpListeners() {}

    static List<ListeningSocket> parse(String output) {
        PowerShellJson json = PowerShellJson.read(output, "Windows listener sweep", true);
        Set<ListeningSocket> sockets = new LinkedHashSet<>();
        for (JsonNode row : json.elements(json.root(), "the listeners")) {
            String address = json.text(row, "LocalAddress");
            long port = json.number(row, "LocalPort");
            if (address == null || port < 0 || port > 65535) {
                throw json.malformed("LocalAddress and LocalPort", "an address and a port 0-65535", row);
            }
            String process = json.text(row, "ProcessName");
            sockets.add(new ListeningSocket((int) port, Addresses.bare(address),
                    Math.toIntExact(json.number(row, "OwningProcess")), process == null ? "" : process));
        }
        return List.copyOf(sockets);
    }
}
