package dev.homefleet.controller.checkin;

import dev.homefleet.controller.store.Report;
import dev.homefleet.core.config.AlertsSpec.Severity;
import java.util.Locale;

/** What a job says about its own run, as the seed's clawd-status API spelled it; decides the report's severity. */
public enum ReportStatus {
    OK(Severity.INFO),
    WARNING(Severity.WARNING),
    CRITICAL(Severity.CRITICAL);

    private final Severity severity;

    ReportStatus(Severity severity) {
        this.severity = severity;
    }

    public Severity severity() {
        return severity;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static ReportStatus parse(String text) {
        String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (ReportStatus status : values()) {
            if (status.wire().equals(wanted)) {
                return status;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a report status; use one of "
                + String.join(", ", Report.STATUSES));
    }

    @Override
    public String toString() {
        return wire();
    }
}
