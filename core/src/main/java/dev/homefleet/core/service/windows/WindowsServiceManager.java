package dev.homefleet.core.service.windows;

import dev.homefleet.core.config.ManagerSpec;
import dev.homefleet.core.exec.CommandResult;
import dev.homefleet.core.exec.CommandRunner;
import dev.homefleet.core.service.ServiceManager;
import dev.homefleet.core.service.ServiceState;
import dev.homefleet.core.service.ServiceState.State;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Windows service, driven through PowerShell: Get-Service and {@code sc.exe queryex} for its state and process id,
 * Start-, Stop- and Restart-Service for actions, the Service Control Manager's System event log entries as its log,
 * and the {@code Environment} value of its registry key as its environment. Every script goes through the
 * {@link CommandRunner} (a local runner on a Windows agent, SSH from the controller), base64-encoded, with the
 * service name as a PowerShell single-quoted string.
 *
 * <p>Start-, Stop- and Restart-Service wait until the service has reached its new state; the runner's timeout
 * bounds that wait. Stopping a service that others depend on fails: no {@code -Force} stops them behind your back.
 */
public final class WindowsServiceManager implements ServiceManager {

    /** Windows PowerShell 5.1, on every Windows 10 and 11; {@code pwsh.exe} (PowerShell 7) works the same. */
    public static final String WINDOWS_POWERSHELL = "powershell.exe";
    /** Long enough for PowerShell to start over a slow SSH link and a service to stop and start again. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** How many of the newest Service Control Manager events {@link #logs} searches for the service's own. */
    static final int EVENTS_SEARCHED = 1000;

    private static final int MAX_NAME_LENGTH = 256;
    private static final String WILDCARDS = "*?[]`";

    private final CommandRunner runner;
    private final String name;
    private final String powershell;
    private final Duration timeout;

    public WindowsServiceManager(CommandRunner runner, String serviceName) {
        this(runner, serviceName, WINDOWS_POWERSHELL, DEFAULT_TIMEOUT);
    }

    /**
     * @param serviceName the service's name as {@code sc query} lists it ({@code sshd}); its display name works too
     * @param powershell  the PowerShell to run: {@code powershell.exe} or {@code pwsh.exe}
     */
    public WindowsServiceManager(CommandRunner runner, String serviceName, String powershell, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.name = requireValidName(serviceName);
        this.powershell = Objects.requireNonNull(powershell, "powershell");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** The manager for a fleet.yaml service of type windows. */
    public static WindowsServiceManager of(ManagerSpec spec, CommandRunner runner) {
        if (spec.type() != ManagerSpec.Type.WINDOWS) {
            throw new IllegalArgumentException("a " + spec.type() + " service is not a Windows service");
        }
        return new WindowsServiceManager(runner, spec.name());
    }

    @Override
    public ServiceState status() throws IOException {
        String output = run("Get-Service", statusScript());
        int sc = scStart(output);
        String json = output.substring(0, sc);
        String scText = output.substring(sc);
        GetServiceJson service = json.indexOf('{') >= 0 ? read("status", json, GetServiceJson::parse) : null;
        ScQuery query = null;
        try {
            query = scText.isBlank() ? null : ScQuery.parse(scText);
        } catch (IllegalArgumentException unreadable) {
            if (service == null && ScQuery.saysNoSuchService(scText)) {
                throw noSuchService(scText);
            }
            if (service == null) {
                throw unreadable("status", unreadable);
            }
            // Get-Service has answered; without sc only the pid and the exit code are unknown.
        }
        if (service == null && query == null) {
            throw unreadable("status", new IllegalArgumentException("it printed neither Get-Service's JSON nor sc's"
                    + " answer"));
        }
        return state(service, query);
    }

    @Override
    public void start() throws IOException {
        run("Start-Service", actionScript("Start-Service"));
    }

    @Override
    public void stop() throws IOException {
        run("Stop-Service", actionScript("Stop-Service"));
    }

    @Override
    public void restart() throws IOException {
        run("Restart-Service", actionScript("Restart-Service"));
    }

    /**
     * The service's entries in the System event log written by the Service Control Manager (started, stopped,
     * crashed, failed to start), one line each: time, level, event id, message. Windows keeps no other log for a
     * service; what the program itself writes is wherever it chooses. Only the newest {@value #EVENTS_SEARCHED}
     * events of the Service Control Manager are searched, so fewer lines than asked may come back.
     */
    @Override
    public List<String> logs(int lines) throws IOException {
        if (lines < 0) {
            throw new IllegalArgumentException("lines must be 0 or more, was " + lines);
        }
        if (lines == 0) {
            return List.of();
        }
        return read("event log", run("Get-WinEvent", logsScript(Math.min(lines, EVENTS_SEARCHED))),
                ScmEvents::lines);
    }

    /** The variables of the REG_MULTI_SZ {@code Environment} value in the service's registry key; none without it. */
    @Override
    public Map<String, String> environment() throws IOException {
        return read("registry", run("Get-ItemProperty", readEnvironmentScript()), ServiceEnvironment::parse);
    }

    /**
     * Writes {@code environment} as the service's {@code Environment} registry value (REG_MULTI_SZ), or removes the
     * value when it is empty. Needs an administrator's session: the key is under HKLM. The service sees the change
     * when it next starts.
     */
    @Override
    public void setEnvironment(Map<String, String> environment) throws IOException {
        List<String> entries = ServiceEnvironment.entries(environment);
        run("Set-ItemProperty", writeEnvironmentScript(entries));
    }

    @Override
    public String toString() {
        return subject();
    }

    String statusScript() {
        return String.join("\n",
                "$name = " + PowerShellScript.quote(name),
                "$service = Get-Service -Name $name",
                "ConvertTo-AsciiJson ($service | Select-Object Name,DisplayName,Status,StartType)",
                "sc.exe queryex $service.Name");
    }

    String actionScript(String cmdlet) {
        return String.join("\n",
                "$name = " + PowerShellScript.quote(name),
                cmdlet + " -Name $name");
    }

    String logsScript(int lines) {
        return String.join("\n",
                "$name = " + PowerShellScript.quote(name),
                "$display = (Get-Service -Name $name).DisplayName",
                "try {",
                "    $all = @(Get-WinEvent -FilterHashtable @{ LogName = 'System'; ProviderName = 'Service Control"
                        + " Manager' } -MaxEvents " + EVENTS_SEARCHED + ")",
                "} catch {",
                "    if ($_.FullyQualifiedErrorId -notlike 'NoMatchingEventsFound*') { throw }",
                "    $all = @()",
                "}",
                "$events = @($all | Where-Object { $_.Properties.Count -gt 0 -and [string]$_.Properties[0].Value -eq"
                        + " $display } | Select-Object -First " + lines + " | ForEach-Object {",
                "    [pscustomobject]@{ TimeCreated = $_.TimeCreated.ToString('o'); Id = $_.Id;"
                        + " Level = $_.LevelDisplayName; Message = $_.Message }",
                "})",
                "ConvertTo-AsciiJson $events");
    }

    String readEnvironmentScript() {
        return String.join("\n",
                "$name = " + PowerShellScript.quote(name),
                "$service = Get-Service -Name $name",
                "$key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\' + $service.Name",
                "$item = Get-ItemProperty -LiteralPath $key -Name Environment -ErrorAction SilentlyContinue",
                "$entries = @()",
                "if ($null -ne $item) { $entries = @($item.Environment) }",
                "ConvertTo-AsciiJson $entries");
    }

    String writeEnvironmentScript(List<String> entries) {
        String head = String.join("\n",
                "$name = " + PowerShellScript.quote(name),
                "$service = Get-Service -Name $name",
                "$key = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\' + $service.Name");
        if (entries.isEmpty()) {
            return String.join("\n", head,
                    "$value = Get-ItemProperty -LiteralPath $key -Name Environment -ErrorAction SilentlyContinue",
                    "if ($null -ne $value) {",
                    "    Remove-ItemProperty -LiteralPath $key -Name Environment",
                    "}");
        }
        String values = entries.stream().map(PowerShellScript::quote).collect(Collectors.joining(", "));
        return head + "\nSet-ItemProperty -LiteralPath $key -Name Environment -Type MultiString -Value @(" + values
                + ")";
    }

    private ServiceState state(GetServiceJson service, ScQuery query) {
        WindowsStatus status = service != null ? service.status() : query.status();
        Integer exitCode = status == WindowsStatus.STOPPED && query != null ? query.exitCode() : null;
        int pid = status != WindowsStatus.STOPPED && query != null && query.pid() > 0
                ? Math.toIntExact(query.pid()) : -1;
        State state = exitCode != null ? State.ERRORED : status.state();

        StringBuilder detail = new StringBuilder(status.displayName());
        if (exitCode != null) {
            detail.append(" with exit code ").append(exitCode);
        }
        if (service != null && service.startType() != null) {
            detail.append(", start type ").append(service.startType());
        }
        if (service != null && service.displayName() != null && !service.displayName().equals(service.name())) {
            detail.append(" (").append(service.displayName()).append(')');
        }
        return new ServiceState(state, pid, -1, null, -1, -1, exitCode, detail.toString());
    }

    /** Where sc's part of the status output starts: its SERVICE_NAME line or its [SC] error; the end if neither. */
    private static int scStart(String output) {
        int at = 0;
        for (String line : output.split("(?<=\n)")) {
            String stripped = line.strip();
            if (stripped.startsWith("SERVICE_NAME:") || stripped.startsWith("[SC]")) {
                return at;
            }
            at += line.length();
        }
        return output.length();
    }

    private String run(String cmdlet, String body) throws IOException {
        CommandResult result = runner.run(PowerShellScript.argv(powershell, body), timeout);
        if (result.timedOut()) {
            throw new IOException(subject() + ": " + cmdlet + " did not finish within " + timeout.toSeconds()
                    + " s; the service may still be changing state");
        }
        if (PowerShellErrors.saysNoSuchService(result.stderr())) {
            throw noSuchService(result.stderr());
        }
        if (!result.ok()) {
            String said = PowerShellErrors.summary(result.stderr());
            if (said.isEmpty()) {
                said = PowerShellErrors.summary(result.stdout());
            }
            String hint = said.contains("not allowed") || said.contains("denied") || said.contains("Cannot open")
                    ? " (changing a service or its registry key needs an administrator's session)" : "";
            throw new IOException(subject() + ": " + cmdlet + " failed with exit code " + result.exitCode() + ": "
                    + (said.isEmpty() ? "PowerShell gave no error text" : said) + hint);
        }
        return result.stdout();
    }

    private <T> T read(String script, String output, Function<String, T> parser) throws IOException {
        try {
            return parser.apply(output);
        } catch (IllegalArgumentException unreadable) {
            throw unreadable(script, unreadable);
        }
    }

    private IOException unreadable(String script, IllegalArgumentException cause) {
        return new IOException(subject() + ": the " + script + " script printed what homefleet cannot read: "
                + cause.getMessage(), cause);
    }

    private IOException noSuchService(String said) {
        return new IOException(subject() + " does not exist (" + PowerShellErrors.summary(said) + "); manager.name"
                + " must be the service's name as `sc query` or Get-Service lists it");
    }

    private String subject() {
        return "Windows service '" + name + "' on " + runner.describe();
    }

    private static String requireValidName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a Windows service needs its name (manager.name)");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("Windows service name '" + name + "' is " + name.length()
                    + " characters long; Windows allows at most " + MAX_NAME_LENGTH);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("Windows service name '" + name + "' holds a control character"
                        + " (U+" + String.format("%04X", (int) c) + ")");
            }
            if (c == '/' || c == '\\') {
                throw new IllegalArgumentException("Windows service name '" + name + "' holds '" + c + "', which"
                        + " Windows does not allow in a service name");
            }
            if (WILDCARDS.indexOf(c) >= 0) {
                throw new IllegalArgumentException("Windows service name '" + name + "' holds '" + c + "', which"
                        + " Get-Service and Stop-Service read as a wildcard that could match other services; give"
                        + " the exact name `sc query` lists");
            }
        }
        return name;
    }
}
