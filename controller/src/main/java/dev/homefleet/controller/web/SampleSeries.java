package dev.homefleet.controller.web;

import dev.homefleet.controller.store.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A machine's samples as the dashboard's sparklines read them: as recorded while there are at most
 * {@link #MAX_POINTS}, else one point per equal span of the window (5 minutes of a day), the mean of the span's
 * samples at the time of its last one. A heartbeat every hour gives 24 points a day; one every 10 seconds would give
 * 8,640, more than a phone's sparkline has pixels.
 */
final class SampleSeries {
    static final int MAX_POINTS = 288;

    private SampleSeries() {}

    /** The points of {@code samples} (oldest first, all within {@code from} to {@code to}). */
    static List<Map<String, Object>> of(List<Sample> samples, Instant from, Instant to) {
        if (samples.size() <= MAX_POINTS) {
            return samples.stream().map(s -> point(s.at(), List.of(s))).toList();
        }
        long span = Math.max(1, Duration.between(from, to).toMillis());
        List<Map<String, Object>> points = new ArrayList<>();
        List<Sample> bucket = new ArrayList<>();
        long current = -1;
        for (Sample sample : samples) {
            long index = Math.min(MAX_POINTS - 1,
                    Math.max(0, Duration.between(from, sample.at()).toMillis() * MAX_POINTS / span));
            if (index != current && !bucket.isEmpty()) {
                points.add(point(bucket.get(bucket.size() - 1).at(), bucket));
                bucket = new ArrayList<>();
            }
            current = index;
            bucket.add(sample);
        }
        if (!bucket.isEmpty()) {
            points.add(point(bucket.get(bucket.size() - 1).at(), bucket));
        }
        return points;
    }

    private static Map<String, Object> point(Instant at, List<Sample> samples) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("at", at);
        point.put("cpu_percent", mean(samples, Sample::cpuPercent));
        point.put("memory_percent", mean(samples, Sample::memoryPercent));
        point.put("swap_percent", mean(samples, Sample::swapPercent));
        point.put("disk_percent", mean(samples, Sample::diskPercent));
        return point;
    }

    /** The mean of the known values (a negative one is unknown: no swap, no disk); -1 when none is known. */
    private static double mean(List<Sample> samples, ToDoubleFunction<Sample> field) {
        double sum = 0;
        int known = 0;
        for (Sample sample : samples) {
            double value = field.applyAsDouble(sample);
            if (value >= 0) {
                sum += value;
                known++;
            }
        }
        return known == 0 ? -1 : sum / known;
    }
}
