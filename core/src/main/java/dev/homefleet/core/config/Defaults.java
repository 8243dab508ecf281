package dev.homefleet.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-to-default helpers for the records' compact constructors; collections keep the file's order. */
final class Defaults {
    private Defaults() {}

    static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
