package dev.homefleet.launchd.plist;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A launchd job as its plist describes it (launchd.plist(5)): the keys homefleet writes, typed, and every other key
 * kept as read so that reading and writing a plist back changes only what was changed.
 *
 * <p>Null (or empty) means the key is absent and launchd's default applies: no RunAtLoad, no KeepAlive, a
 * ThrottleInterval of 10 seconds, output discarded.
 *
 * @param otherKeys the keys homefleet does not model (Program, ProcessType, SoftResourceLimits ...), in plist order
 */
public record LaunchdJob(
        String label,
        List<String> programArguments,
        Map<String, String> environmentVariables,
        String workingDirectory,
        Boolean runAtLoad,
        KeepAlive keepAlive,
        Integer throttleInterval,
        Integer startInterval,
        List<CalendarInterval> startCalendarInterval,
        String standardOutPath,
        String standardErrorPath,
        Map<String, NSObject> otherKeys) {

    public static final String LABEL = "Label";
    public static final String PROGRAM_ARGUMENTS = "ProgramArguments";
    public static final String ENVIRONMENT_VARIABLES = "EnvironmentVariables";
    public static final String WORKING_DIRECTORY = "WorkingDirectory";
    public static final String RUN_AT_LOAD = "RunAtLoad";
    public static final String KEEP_ALIVE = "KeepAlive";
    public static final String THROTTLE_INTERVAL = "ThrottleInterval";
    public static final String START_INTERVAL = "StartInterval";
    public static final String START_CALENDAR_INTERVAL = "StartCalendarInterval";
    public static final String STANDARD_OUT_PATH = "StandardOutPath";
    public static final String STANDARD_ERROR_PATH = "StandardErrorPath";

    /** The keys this record models, in the order they are written. */
    static final List<String> MODELED = List.of(LABEL, PROGRAM_ARGUMENTS, ENVIRONMENT_VARIABLES, WORKING_DIRECTORY,
            RUN_AT_LOAD, KEEP_ALIVE, THROTTLE_INTERVAL, START_INTERVAL, START_CALENDAR_INTERVAL, STANDARD_OUT_PATH,
            STANDARD_ERROR_PATH);

    public LaunchdJob {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("a launchd job needs a Label");
        }
        programArguments = programArguments == null ? List.of() : List.copyOf(programArguments);
        environmentVariables = environmentVariables == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(environmentVariables));
        environmentVariables.forEach((name, value) -> Objects.requireNonNull(value, "EnvironmentVariables." + name));
        startCalendarInterval = startCalendarInterval == null ? List.of() : List.copyOf(startCalendarInterval);
        otherKeys = otherKeys == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(otherKeys));
        for (String key : otherKeys.keySet()) {
            if (MODELED.contains(key)) {
                throw new IllegalArgumentException(key + " has its own field; it cannot be one of the other keys");
            }
        }
        if (throttleInterval != null && throttleInterval < 0) {
            throw new IllegalArgumentException("ThrottleInterval is " + throttleInterval + " s; use 0 or more");
        }
        if (startInterval != null && startInterval < 1) {
            throw new IllegalArgumentException("StartInterval is " + startInterval + " s; use 1 or more");
        }
    }

    public static Builder builder(String label) {
        return new Builder(label);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The plist as dd-plist's tree: the modeled keys first, in {@link #MODELED} order, then the others as read. */
    public NSDictionary toDictionary() {
        NSDictionary dict = new NSDictionary();
        dict.put(LABEL, new NSString(label));
        if (!programArguments.isEmpty()) {
            dict.put(PROGRAM_ARGUMENTS, strings(programArguments));
        }
        if (!environmentVariables.isEmpty()) {
            NSDictionary env = new NSDictionary();
            environmentVariables.forEach((name, value) -> env.put(name, new NSString(value)));
            dict.put(ENVIRONMENT_VARIABLES, env);
        }
        putString(dict, WORKING_DIRECTORY, workingDirectory);
        if (runAtLoad != null) {
            dict.put(RUN_AT_LOAD, new NSNumber(runAtLoad));
        }
        if (keepAlive != null) {
            dict.put(KEEP_ALIVE, keepAlive.toPlist());
        }
        if (throttleInterval != null) {
            dict.put(THROTTLE_INTERVAL, new NSNumber(throttleInterval));
        }
        if (startInterval != null) {
            dict.put(START_INTERVAL, new NSNumber(startInterval));
        }
        if (startCalendarInterval.size() == 1) {
            dict.put(START_CALENDAR_INTERVAL, startCalendarInterval.get(0).toPlist());
        } else if (!startCalendarInterval.isEmpty()) {
            NSArray entries = new NSArray(startCalendarInterval.size());
            for (int i = 0; i < startCalendarInterval.size(); i++) {
                entries.setValue(i, startCalendarInterval.get(i).toPlist());
            }
            dict.put(START_CALENDAR_INTERVAL, entries);
        }
        putString(dict, STANDARD_OUT_PATH, standardOutPath);
        putString(dict, STANDARD_ERROR_PATH, standardErrorPath);
        otherKeys.forEach((key, value) -> dict.put(key, value.clone()));
        return dict;
    }

    /** The plist file's text: XML under Apple's plist 1.0 DTD. */
    public String toXml() {
        return PlistWriter.write(toDictionary());
    }

    /** @param source the file as a person knows it, for messages */
    public static LaunchdJob fromDictionary(NSDictionary dict, String source) throws PlistException {
        String label = string(dict, LABEL, source);
        if (label == null || label.isBlank()) {
            throw new PlistException(source + " has no Label; every launchd job needs one");
        }
        Builder job = builder(label)
                .programArguments(stringList(dict, PROGRAM_ARGUMENTS, source))
                .environmentVariables(stringMap(dict, ENVIRONMENT_VARIABLES, source))
                .workingDirectory(string(dict, WORKING_DIRECTORY, source))
                .runAtLoad(bool(dict, RUN_AT_LOAD, source))
                .throttleInterval(integer(dict, THROTTLE_INTERVAL, source))
                .startInterval(integer(dict, START_INTERVAL, source))
                .standardOutPath(string(dict, STANDARD_OUT_PATH, source))
                .standardErrorPath(string(dict, STANDARD_ERROR_PATH, source));
        if (dict.containsKey(KEEP_ALIVE)) {
            job.keepAlive(KeepAlive.fromPlist(dict.get(KEEP_ALIVE), source));
        }
        NSObject calendar = dict.get(START_CALENDAR_INTERVAL);
        if (calendar instanceof NSArray entries) {
            List<CalendarInterval> intervals = new ArrayList<>();
            for (NSObject entry : entries.getArray()) {
                intervals.add(CalendarInterval.fromPlist(entry, source));
            }
            job.startCalendarInterval(intervals);
        } else if (calendar != null) {
            job.startCalendarInterval(List.of(CalendarInterval.fromPlist(calendar, source)));
        }
        dict.forEach((key, value) -> {
            if (!MODELED.contains(key)) {
                job.otherKey(key, value.clone());
            }
        });
        try {
            return job.build();
        } catch (IllegalArgumentException e) {
            throw new PlistException(source + ": " + e.getMessage());
        }
    }

    private static NSArray strings(List<String> values) {
        NSArray array = new NSArray(values.size());
        for (int i = 0; i < values.size(); i++) {
            array.setValue(i, new NSString(values.get(i)));
        }
        return array;
    }

    private static void putString(NSDictionary dict, String key, String value) {
        if (value != null) {
            dict.put(key, new NSString(value));
        }
    }

    private static String string(NSDictionary dict, String key, String source) throws PlistException {
        NSObject value = dict.get(key);
        if (value == null || value instanceof NSString) {
            return value == null ? null : ((NSString) value).getContent();
        }
        throw wrongType(source, key, value, "a string");
    }

    private static Boolean bool(NSDictionary dict, String key, String source) throws PlistException {
        NSObject value = dict.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof NSNumber n && n.isBoolean()) {
            return n.boolValue();
        }
        throw wrongType(source, key, value, "a boolean (<true/> or <false/>)");
    }

    private static Integer integer(NSDictionary dict, String key, String source) throws PlistException {
        return integer(dict, key, key, source);
    }

    /** @param shownAs the key as messages name it, e.g. {@code StartCalendarInterval Hour} */
    static Integer integer(NSDictionary dict, String key, String shownAs, String source) throws PlistException {
        NSObject value = dict.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof NSNumber n && n.isInteger()) {
            return n.intValue();
        }
        throw wrongType(source, shownAs, value, "an integer");
    }

    private static List<String> stringList(NSDictionary dict, String key, String source) throws PlistException {
        NSObject value = dict.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof NSArray array)) {
            throw wrongType(source, key, value, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        NSObject[] items = array.getArray();
        for (int i = 0; i < items.length; i++) {
            if (!(items[i] instanceof NSString s)) {
                throw wrongType(source, key + "[" + i + "]", items[i], "a string");
            }
            out.add(s.getContent());
        }
        return out;
    }

    private static Map<String, String> stringMap(NSDictionary dict, String key, String source) throws PlistException {
        NSObject value = dict.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof NSDictionary map)) {
            throw wrongType(source, key, value, "a dictionary of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, NSObject> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof NSString s)) {
                throw wrongType(source, key + "." + entry.getKey(), entry.getValue(), "a string");
            }
            out.put(entry.getKey(), s.getContent());
        }
        return out;
    }

    private static PlistException wrongType(String source, String key, NSObject value, String expected) {
        return new PlistException(source + ": " + key + " is " + describe(value) + ", expected " + expected);
    }

    /** A plist value's kind as a person says it: "a string", "an integer", "a dictionary". */
    static String describe(NSObject value) {
        if (value instanceof NSString) {
            return "a string";
        }
        if (value instanceof NSNumber n) {
            return n.isBoolean() ? "a boolean" : n.isInteger() ? "an integer" : "a real number";
        }
        if (value instanceof NSArray) {
            return "an array";
        }
        if (value instanceof NSDictionary) {
            return "a dictionary";
        }
        if (value instanceof NSDate) {
            return "a date";
        }
        if (value instanceof NSData) {
            return "data";
        }
        return value == null ? "nothing" : "a " + value.getClass().getSimpleName();
    }

    /** Builds a job key by key. Not thread-safe. */
    public static final class Builder {
        private final String label;
        private List<String> programArguments = List.of();
        private Map<String, String> environmentVariables = new LinkedHashMap<>();
        private String workingDirectory;
        private Boolean runAtLoad;
        private KeepAlive keepAlive;
        private Integer throttleInterval;
        private Integer startInterval;
        private List<CalendarInterval> startCalendarInterval = List.of();
        private String standardOutPath;
        private String standardErrorPath;
        private final Map<String, NSObject> otherKeys = new LinkedHashMap<>();

        private Builder(String label) {
            this.label = label;
        }

        private Builder(LaunchdJob job) {
            this(job.label);
            programArguments = job.programArguments;
            environmentVariables = new LinkedHashMap<>(job.environmentVariables);
            workingDirectory = job.workingDirectory;
            runAtLoad = job.runAtLoad;
            keepAlive = job.keepAlive;
            throttleInterval = job.throttleInterval;
            startInterval = job.startInterval;
            startCalendarInterval = job.startCalendarInterval;
            standardOutPath = job.standardOutPath;
            standardErrorPath = job.standardErrorPath;
            otherKeys.putAll(job.otherKeys);
        }

        public Builder programArguments(List<String> arguments) {
            this.programArguments = arguments;
            return this;
        }

        public Builder environmentVariables(Map<String, String> environment) {
            this.environmentVariables = new LinkedHashMap<>(environment);
            return this;
        }

        public Builder workingDirectory(String directory) {
            this.workingDirectory = directory;
            return this;
        }

        public Builder runAtLoad(Boolean runAtLoad) {
            this.runAtLoad = runAtLoad;
            return this;
        }

        public Builder keepAlive(KeepAlive keepAlive) {
            this.keepAlive = keepAlive;
            return this;
        }

        public Builder throttleInterval(Integer seconds) {
            this.throttleInterval = seconds;
            return this;
        }

        public Builder startInterval(Integer seconds) {
            this.startInterval = seconds;
            return this;
        }

        public Builder startCalendarInterval(List<CalendarInterval> intervals) {
            this.startCalendarInterval = intervals;
            return this;
        }

        public Builder standardOutPath(String path) {
            this.standardOutPath = path;
            return this;
        }

        public Builder standardErrorPath(String path) {
            this.standardErrorPath = path;
            return this;
        }

        public Builder otherKey(String key, NSObject value) {
            otherKeys.put(key, value);
            return this;
        }

        public LaunchdJob build() {
            return new LaunchdJob(label, programArguments, environmentVariables, workingDirectory, runAtLoad,
                    keepAlive, throttleInterval, startInterval, startCalendarInterval, standardOutPath,
                    standardErrorPath, otherKeys);
        }
    }
}
