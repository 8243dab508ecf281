package dev.homefleet.controller.store;

import dev.homefleet.core.metrics.MachineMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code samples} table: one row per machine per heartbeat. */
final class Samples {
    private Samples() {}

    static void insert(Connection db, StoreJson json, String machine, Instant at, MachineMetrics metrics)
            throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO samples (machine, ts, cpu_percent, "
                + "memory_percent, swap_percent, disk_percent, metrics) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, machine);
            Rows.setInstant(s, 2, at);
            s.setDouble(3, metrics.cpuPercent());
            s.setDouble(4, metrics.memoryPercent());
            s.setDouble(5, metrics.swapPercent());
            s.setDouble(6, fullestDisk(metrics));
            s.setString(7, json.write(metrics));
            s.executeUpdate();
        }
    }

    static List<Sample> select(Connection db, StoreJson json, String machine, Instant since) throws SQLException {
        List<Sample> out = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement(
                "SELECT * FROM samples WHERE machine = ? AND ts >= ? ORDER BY ts, id")) {
            s.setString(1, machine);
            s.setLong(2, since == null ? Long.MIN_VALUE : since.toEpochMilli());
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    out.add(new Sample(rows.getString("machine"), Rows.instant(rows, "ts"),
                            rows.getDouble("cpu_percent"), rows.getDouble("memory_percent"),
                            rows.getDouble("swap_percent"), rows.getDouble("disk_percent"),
                            json.read(rows.getString("metrics"), MachineMetrics.class)));
                }
            }
        }
        return out;
    }

    /** The disk closest to full is the one a person needs to hear about. */
    static double fullestDisk(MachineMetrics metrics) {
        return metrics.disks().stream().mapToDouble(MachineMetrics.DiskUsage::percent).max().orElse(-1);
    }
}
