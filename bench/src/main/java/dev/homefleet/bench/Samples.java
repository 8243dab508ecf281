package dev.homefleet.bench;

import java.util.Arrays;

/** Durations of one path, in nanoseconds, with percentiles by the nearest-rank method. */
final class Samples {

    private final long[] nanos;
    private int size;

    Samples(int capacity) {
        this.nanos = new long[capacity];
    }

    static Samples of(long... nanos) {
        Samples s = new Samples(nanos.length);
        for (long n : nanos) {
            s.add(n);
        }
        return s;
    }

    /** Adds one duration; beyond the capacity given at construction the sample is dropped and counted. */
    boolean add(long durationNanos) {
        if (size == nanos.length) {
            return false;
        }
        nanos[size++] = durationNanos;
        return true;
    }

    int size() {
        return size;
    }

    double medianMillis() {
        return percentileMillis(50);
    }

    /** The smallest sample with at least {@code percent}% of the samples at or below it. */
    double percentileMillis(double percent) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * size);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    /** Joins per-thread samples into one. */
    static Samples merge(Iterable<Samples> parts) {
        int total = 0;
        for (Samples p : parts) {
            total += p.size;
        }
        Samples all = new Samples(total);
        for (Samples p : parts) {
            System.arraycopy(p.nanos, 0, all.nanos, all.size, p.size);
            all.size += p.size;
        }
        return all;
    }
}
