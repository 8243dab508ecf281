package dev.homefleet.launchd.launchctl;

import java.util.Objects;

/**
 * One job as launchctl addresses it: a domain target ({@code gui/501}, {@code system}), the job's label, and its
 * plist file, which bootstrap and the legacy verbs need.
 *
 * @param plist the plist's absolute path on the job's machine, or null when unknown
 */
public record JobTarget(String domain, String label, String plist) {

    public JobTarget {
        Objects.requireNonNull(domain, "domain");
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a launchd job needs a label");
        }
    }

    /** The service target of launchctl(1): {@code gui/501/com.clawdbot.gateway}, {@code system/homebrew.mxcl.ollama}. */
    public String service() {
        return domain + "/" + label;
    }
}
