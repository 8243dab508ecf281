package dev.homefleet.core.metrics.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.homefleet.core.metrics.MachineMetrics;
import dev.homefleet.core.metrics.MachineMetrics.DiskUsage;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Windows: one PowerShell object built from CIM (Win32_OperatingSystem, Win32_Processor, Win32_PageFileUsage,
 * Win32_LogicalDisk) and Get-Process, printed as JSON.
 */
final class WindowsSweep {

    /*
     * Units are the CIM classes' own: TotalVisibleMemorySize and FreePhysicalMemory in kilobytes, AllocatedBaseSize
     * and CurrentUsage in megabytes, Size and FreeSpace in bytes. The dates are written with ToString('o') because
     * Windows PowerShell 5.1 turns a DateTime into "\/Date(ms)\/"; both come from the same CIM instance, so the
     * uptime is read off the Windows clock. The script holds no double quote: Windows PowerShell drops embedded
     * double quotes when it passes an argument to a native program (here powershell.exe itself).
     */
    static final String SCRIPT = String.join(" ",
            "$ErrorActionPreference = 'Stop';",
            "$os = Get-CimInstance Win32_OperatingSystem;",
            "$load = @(Get-CimInstance Win32_Processor | Where-Object { $null -ne $_.LoadPercentage }"
                    + " | ForEach-Object { $_.LoadPercentage });",
            "$cpu = $null;",
            "if ($load.Count -gt 0) { $cpu = ($load | Measure-Object -Average).Average };",
            "$pageFiles = @(Get-CimInstance Win32_PageFileUsage | ForEach-Object { [pscustomobject]@{"
                    + " Name = $_.Name; AllocatedBaseSize = $_.AllocatedBaseSize; CurrentUsage = $_.CurrentUsage } });",
            "$disks = @(Get-CimInstance Win32_LogicalDisk -Filter 'DriveType=3' | ForEach-Object { [pscustomobject]@{"
                    + " DeviceID = $_.DeviceID; Size = $_.Size; FreeSpace = $_.FreeSpace } });",
            "[pscustomobject]@{",
            "TotalVisibleMemorySize = $os.TotalVisibleMemorySize;",
            "FreePhysicalMemory = $os.FreePhysicalMemory;",
            "LastBootUpTime = $os.LastBootUpTime.ToString('o');",
            "LocalDateTime = $os.LocalDateTime.ToString('o');",
            "LoadPercentage = $cpu;",
            "PageFiles = $pageFiles;",
            "Disks = $disks;",
            "Processes = @(Get-Process).Count",
            "} | ConvertTo-Json -Compress -Depth 4");

    private static final String WHAT = "Windows metrics sweep";
    private static final long KIB = 1024;
    private static final long MIB = 1024 * 1024;

    private WindowsSweep() {}

    static MachineMetrics parse(String output, Instant at) {
        PowerShellJson json = PowerShellJson.read(output, WHAT, true);
        JsonNode root = json.root();
        if (!root.isObject()) {
            throw json.malformed("the sweep", "one JSON object", root);
        }
        long totalKb = json.number(root, "TotalVisibleMemorySize");
        long freeKb = json.number(root, "FreePhysicalMemory");
        long[] swap = swap(json, root);
        long processes = json.number(root, "Processes");
        return new MachineMetrics(
                at,
                json.decimal(root, "LoadPercentage"),
                -1,
                totalKb >= 0 && freeKb >= 0 ? (totalKb - freeKb) * KIB : -1,
                totalKb >= 0 ? totalKb * KIB : -1,
                swap[0],
                swap[1],
                disks(json, root),
                processes >= 0 ? Math.toIntExact(processes) : -1,
                uptime(json, root));
    }

    /** {used, total} in bytes, summed over the page files; no page file at all is a swap of 0 bytes. */
    private static long[] swap(PowerShellJson json, JsonNode root) {
        if (!root.has("PageFiles")) {
            return new long[] {-1, -1};
        }
        long used = 0;
        long total = 0;
        for (JsonNode pageFile : json.elements(root.get("PageFiles"), "PageFiles")) {
            long allocated = json.number(pageFile, "AllocatedBaseSize");
            long current = json.number(pageFile, "CurrentUsage");
            if (allocated < 0 || current < 0) {
                return new long[] {-1, -1};
            }
            total += allocated * MIB;
            used += current * MIB;
        }
        return new long[] {used, total};
    }

    private static List<DiskUsage> disks(PowerShellJson json, JsonNode root) {
        List<DiskUsage> disks = new ArrayList<>();
        for (JsonNode disk : json.elements(root.get("Disks"), "Disks")) {
            String device = json.text(disk, "DeviceID");
            if (device == null) {
                throw json.malformed("Disks[].DeviceID", "a drive letter such as \"C:\"", disk);
            }
            long size = json.number(disk, "Size");
            long free = json.number(disk, "FreeSpace");
            disks.add(new DiskUsage(device, size >= 0 && free >= 0 ? size - free : -1, size));
        }
        return disks;
    }

    private static long uptime(PowerShellJson json, JsonNode root) {
        String booted = json.text(root, "LastBootUpTime");
        String now = json.text(root, "LocalDateTime");
        if (booted == null || now == null) {
            return -1;
        }
        long seconds = Duration.between(instant(json, root, "LastBootUpTime", booted),
                instant(json, root, "LocalDateTime", now)).getSeconds();
        return seconds >= 0 ? seconds : -1;
    }

    /** A DateTime written with ToString('o'): with its offset when its Kind is Local, without when Unspecified. */
    private static Instant instant(PowerShellJson json, JsonNode root, String field, String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException withOffset) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException withoutOffset) {
                throw json.malformed(field, "a date in ISO 8601 form (ToString('o'))", root.get(field));
            }
        }
    }
}
