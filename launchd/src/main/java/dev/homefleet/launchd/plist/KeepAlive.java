package dev.homefleet.launchd.plist;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * launchd's KeepAlive: a plain yes or no, or a dictionary of conditions (SuccessfulExit, Crashed, NetworkState,
 * PathState, OtherJobEnabled, AfterInitialDemand) under which launchd keeps the job running. Conditions are kept as
 * read, so a plist rewritten by homefleet loses none of them.
 *
 * @param flag       the plain form, or null when the conditions form is used
 * @param conditions the conditions form in plist order, empty when {@code flag} is set
 */
public record KeepAlive(Boolean flag, Map<String, NSObject> conditions) {

    public static final KeepAlive ALWAYS = new KeepAlive(true, null);
    public static final KeepAlive NEVER = new KeepAlive(false, null);

    public KeepAlive {
        conditions = conditions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
        if ((flag == null) == conditions.isEmpty()) {
            throw new IllegalArgumentException("KeepAlive is either true/false or a dictionary of conditions, not "
                    + (flag == null ? "neither" : "both"));
        }
    }

    /**
     * Restart the job whenever it exits unsuccessfully (non-zero, or killed by a signal), leave it stopped after a
     * clean exit. launchd.plist(5): this condition implies RunAtLoad.
     */
    public static KeepAlive unlessSuccessfulExit() {
        return new KeepAlive(null, Map.of("SuccessfulExit", new NSNumber(false)));
    }

    /** The SuccessfulExit condition, when the conditions form sets it. */
    public Optional<Boolean> successfulExit() {
        return conditions.get("SuccessfulExit") instanceof NSNumber n && n.isBoolean()
                ? Optional.of(n.boolValue()) : Optional.empty();
    }

    NSObject toPlist() {
        if (flag != null) {
            return new NSNumber(flag);
        }
        NSDictionary dict = new NSDictionary();
        conditions.forEach((key, value) -> dict.put(key, value.clone()));
        return dict;
    }

    static KeepAlive fromPlist(NSObject value, String source) throws PlistException {
        if (value instanceof NSNumber n && n.isBoolean()) {
            return new KeepAlive(n.boolValue(), null);
        }
        if (value instanceof NSDictionary dict) {
            if (dict.isEmpty()) {
                throw new PlistException(source + ": KeepAlive is an empty dictionary; write true, false, or conditions");
            }
            Map<String, NSObject> conditions = new LinkedHashMap<>();
            dict.forEach((key, condition) -> conditions.put(key, condition.clone()));
            return new KeepAlive(null, conditions);
        }
        throw new PlistException(source + ": KeepAlive is " + LaunchdJob.describe(value)
                + ", expected a boolean or a dictionary");
    }
}
