package dev.homefleet.controller.jobs;

import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.CheckSpec;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.service.windows.PowerShellScript;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * An http or tcp check to a loopback address, turned into a command that does the same on the machine itself, for
 * machines reached over SSH without an agent: {@code curl -sf} (the seed's own check) or {@code nc -z} on macOS and
 * Linux, {@code Invoke-WebRequest} or {@code Test-NetConnection} on Windows. Checks to other addresses and command
 * or manager checks are returned as they are.
 */
final class RemoteChecks {
    private RemoteChecks() {}

    /** Empty when the check cannot be judged by an exit code (body, JSON, status or response-time expectations). */
    static Optional<CheckSpec> translate(CheckSpec check, MachineSpec.Os os) {
        boolean windows = os == MachineSpec.Os.WINDOWS;
        long seconds = Math.max(1, check.timeout().toSeconds() - 1);
        if (check.http() != null) {
            URI uri = URI.create(check.http());
            if (!Binds.isLoopback(host(uri.getHost()))) {
                return Optional.of(check);
            }
            if (check.bodyContains() != null || check.jsonField() != null || check.expectStatus() != null
                    || check.maxResponseTime() != null) {
                return Optional.empty();
            }
            List<String> argv = windows
                    ? PowerShellScript.argv("powershell", "try { $r = Invoke-WebRequest -UseBasicParsing -TimeoutSec "
                            + seconds + " -Uri " + PowerShellScript.quote(check.http())
                            + "; if ($r.StatusCode -lt 400) { exit 0 } else { exit 1 } } catch { exit 1 }")
                    : List.of("curl", "-sf", "-o", "/dev/null", "--max-time", String.valueOf(seconds), check.http());
            return Optional.of(command(check, argv));
        }
        if (check.tcp() != null) {
            int colon = check.tcp().lastIndexOf(':');
            String host = check.tcp().substring(0, colon);
            String port = check.tcp().substring(colon + 1);
            if (!Binds.isLoopback(host(host))) {
                return Optional.of(check);
            }
            List<String> argv = windows
                    ? PowerShellScript.argv("powershell", "if ((Test-NetConnection -ComputerName "
                            + PowerShellScript.quote(host(host)) + " -Port " + Integer.parseInt(port)
                            + " -WarningAction SilentlyContinue).TcpTestSucceeded) { exit 0 } else { exit 1 }")
                    : List.of("nc", "-z", "-w", String.valueOf(seconds), host(host), port);
            return Optional.of(command(check, argv));
        }
        return Optional.of(check);
    }

    private static String host(String host) {
        if (host == null) {
            return "";
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return bare.equalsIgnoreCase("localhost") ? "127.0.0.1" : bare;
    }

    private static CheckSpec command(CheckSpec check, List<String> argv) {
        return new CheckSpec(null, null, argv, false, null, null, null, null, null, check.timeout(), check.fall(),
                check.rise());
    }
}
