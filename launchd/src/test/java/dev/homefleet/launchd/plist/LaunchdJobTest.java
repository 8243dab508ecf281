package dev.homefleet.launchd.plist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import dev.homefleet.launchd.Golden;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LaunchdJobTest {

    /** Every key homefleet models, and one it does not. */
    private static LaunchdJob everyKey(String label, String path, String value) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOMEFLEET_CONFIG", path + "/fleet.yaml");
        env.put("NOTE", value);
        return LaunchdJob.builder(label)
                .programArguments(List.of(path + "/bin/java", "-Xmx128m", "-jar", path + "/homefleet.jar", value))
                .environmentVariables(env)
                .workingDirectory(path)
                .runAtLoad(true)
                .keepAlive(KeepAlive.unlessSuccessfulExit())
                .throttleInterval(10)
                .startInterval(900)
                .startCalendarInterval(List.of(new CalendarInterval(0, 10, null, null, null),
                        new CalendarInterval(30, null, 1, 0, 12)))
                .standardOutPath(path + "/Library/Logs/homefleet/x.out.log")
                .standardErrorPath(path + "/Library/Logs/homefleet/x.err.log")
                .otherKey("ProcessType", new NSString("Interactive"))
                .build();
    }

    private static LaunchdJob readBack(String xml) throws Exception {
        NSObject parsed = PropertyListParser.parse(xml.getBytes(StandardCharsets.UTF_8));
        return LaunchdJob.fromDictionary((NSDictionary) parsed, "the written plist");
    }

    @Test
    void a_job_with_every_key_reads_back_through_dd_plists_parser_as_the_same_job() throws Exception {
        LaunchdJob job = everyKey("dev.homefleet.test", "/Users/felipe", "plain");

        String xml = job.toXml();

        assertThat(PropertyListParser.parse(xml.getBytes(StandardCharsets.UTF_8))).isEqualTo(job.toDictionary());
        assertThat(readBack(xml)).isEqualTo(job);
    }

    @Test
    void a_job_with_every_key_matches_its_golden_file() throws Exception {
        Golden.assertMatches("every-key.plist", everyKey("dev.homefleet.test", "/Users/felipe", "plain").toXml());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a&b", "a<b>c", "\"quoted\"", "it's", "&amp; already escaped", "]]>", "<![CDATA[x]]>",
        "<!-- not a comment -->", "tab\tand\nnewline and\r\nCRLF", "é ü 日本 🚀", " padded "})
    void xml_special_characters_in_the_label_paths_and_environment_values_come_back_unchanged(String nasty)
            throws Exception {
        LaunchdJob job = everyKey("dev.homefleet." + nasty, "/Users/fe lipe/" + nasty, nasty);

        LaunchdJob read = readBack(job.toXml());

        assertThat(read).isEqualTo(job);
        assertThat(read.label()).isEqualTo("dev.homefleet." + nasty);
        assertThat(read.environmentVariables()).containsEntry("NOTE", nasty);
        assertThat(read.workingDirectory()).isEqualTo("/Users/fe lipe/" + nasty);
    }

    @Test
    void a_label_path_and_value_with_xml_special_characters_match_their_golden_file() throws Exception {
        LaunchdJob job = everyKey("dev.homefleet.a&b<c>\"d\"'e'", "/Users/felipe/A & B <C>", "x=\"1\" & y='2' <z>");

        String xml = job.toXml();

        Golden.assertMatches("xml-special.plist", xml);
        assertThat(xml).contains("<string>dev.homefleet.a&amp;b&lt;c&gt;\"d\"'e'</string>")
                .doesNotContain("a&b").doesNotContain("<C>");
    }

    @Test
    void an_existing_hand_written_plist_is_read_with_its_other_keys_kept_in_order() throws Exception {
        LaunchdJob job = PlistReader.read(Golden.testResource("plists/com.clawdbot.gateway.plist"), "gateway.plist");

        assertThat(job.label()).isEqualTo("com.clawdbot.gateway");
        assertThat(job.programArguments()).containsExactly("/opt/homebrew/bin/node",
                "/Users/felipevieira/.npm-global/lib/node_modules/clawdbot/dist/index.js", "gateway", "--port", "18789");
        assertThat(job.environmentVariables()).containsExactly(Map.entry("HOME", "/Users/felipevieira"),
                Map.entry("PATH", "/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin"),
                Map.entry("CLAWDBOT_GATEWAY_PORT", "18789"), Map.entry("CLAWDBOT_TELEGRAM_ENABLED", "true"));
        assertThat(job.workingDirectory()).isEqualTo("/Users/felipevieira/clawd");
        assertThat(job.runAtLoad()).isTrue();
        assertThat(job.keepAlive()).isEqualTo(KeepAlive.ALWAYS);
        assertThat(job.standardOutPath()).isEqualTo("/Users/felipevieira/.clawdbot/logs/gateway.log");
        assertThat(job.standardErrorPath()).isEqualTo("/Users/felipevieira/.clawdbot/logs/gateway.err.log");
        assertThat(job.otherKeys()).containsOnlyKeys("ProcessType", "SoftResourceLimits");
        assertThat(readBack(job.toXml())).isEqualTo(job);
    }

    @Test
    void a_calendar_schedule_and_keepalive_conditions_are_read_and_written_back_whole() throws Exception {
        LaunchdJob job = PlistReader.read(Golden.testResource("plists/com.clawdbot.system-cleanup.plist"), "cleanup");

        assertThat(job.startCalendarInterval()).extracting(CalendarInterval::minute).containsExactly(0, 15, 30, 45);
        assertThat(job.keepAlive().successfulExit()).contains(false);
        assertThat(job.keepAlive().conditions()).containsOnlyKeys("SuccessfulExit", "PathState");
        assertThat(readBack(job.toXml())).isEqualTo(job);
    }

    @Test
    void a_single_calendar_entry_is_written_as_a_dictionary_as_launchd_plist_5_shows_it() {
        LaunchdJob job = LaunchdJob.builder("x").startCalendarInterval(List.of(new CalendarInterval(0, 10, null,
                null, null))).build();

        assertThat(job.toXml()).contains("""
                \t<key>StartCalendarInterval</key>
                \t<dict>
                \t\t<key>Minute</key>
                \t\t<integer>0</integer>
                \t\t<key>Hour</key>
                \t\t<integer>10</integer>
                \t</dict>
                """);
    }

    @Test
    void a_binary_plist_reads_as_the_same_job_as_its_xml() throws Exception {
        LaunchdJob job = everyKey("dev.homefleet.binary", "/Users/felipe", "binary");

        byte[] binary = BinaryPropertyListWriter.writeToArray(job.toDictionary());

        assertThat(new String(binary, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("bplist");
        assertThat(PlistReader.read(binary, "binary.plist")).isEqualTo(job);
    }

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Label             | <integer>1</integer>       | binary.plist: Label is an integer, expected a string
            ProgramArguments  | <string>/bin/sh</string>   | binary.plist: ProgramArguments is a string, expected an array of strings
            ProgramArguments  | <array><true/></array>     | binary.plist: ProgramArguments[0] is a boolean, expected a string
            EnvironmentVariables | <dict><key>N</key><integer>1</integer></dict> | binary.plist: EnvironmentVariables.N is an integer, expected a string
            RunAtLoad         | <string>true</string>      | binary.plist: RunAtLoad is a string, expected a boolean (<true/> or <false/>)
            KeepAlive         | <integer>1</integer>       | binary.plist: KeepAlive is an integer, expected a boolean or a dictionary
            ThrottleInterval  | <real>1.5</real>           | binary.plist: ThrottleInterval is a real number, expected an integer
            StartInterval     | <integer>0</integer>       | binary.plist: StartInterval is 0 s; use 1 or more
            StartCalendarInterval | <dict><key>Hour</key><integer>24</integer></dict> | binary.plist: StartCalendarInterval Hour is 24; use 0 to 23
            StartCalendarInterval | <dict><key>Second</key><integer>1</integer></dict> | binary.plist: StartCalendarInterval has the key Second; launchd knows Minute, Hour, Day, Weekday and Month
            """)
    void a_key_of_the_wrong_type_is_reported_with_its_name_and_what_was_expected(String key, String value,
            String message) {
        String label = key.equals("Label") ? "" : "<key>Label</key><string>x</string>";
        String xml = PlistWriter.HEADER + "<dict>" + label + "<key>" + key + "</key>" + value + "</dict></plist>";

        assertThatThrownBy(() -> PlistReader.read(xml.getBytes(StandardCharsets.UTF_8), "binary.plist"))
                .isInstanceOf(PlistException.class)
                .hasMessage(message);
    }

    @Test
    void a_plist_without_a_label_is_not_a_launchd_job() {
        NSDictionary dict = new NSDictionary();
        dict.put("RunAtLoad", new NSNumber(true));

        assertThatThrownBy(() -> LaunchdJob.fromDictionary(dict, "x.plist"))
                .isInstanceOf(PlistException.class)
                .hasMessage("x.plist has no Label; every launchd job needs one");
    }

    @Test
    void text_that_is_no_plist_is_reported_as_such_with_the_parsers_words() {
        assertThatThrownBy(() -> PlistReader.read("<plist><dict><key>a</dict>".getBytes(StandardCharsets.UTF_8),
                "broken.plist"))
                .isInstanceOf(PlistException.class)
                .hasMessageStartingWith("broken.plist is not a valid property list: ");
        assertThatThrownBy(() -> PlistReader.read(new byte[0], "empty.plist"))
                .hasMessage("empty.plist is empty, not a property list");
        assertThatThrownBy(() -> PlistReader.read((PlistWriter.HEADER + "<array/></plist>")
                .getBytes(StandardCharsets.UTF_8), "array.plist"))
                .hasMessage("array.plist holds an array at its root; a launchd job is a dictionary");
    }
}
