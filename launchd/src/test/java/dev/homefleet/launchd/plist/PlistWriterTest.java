package dev.homefleet.launchd.plist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSArray;
import com.dd.plist.NSData;
import com.dd.plist.NSDate;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlistWriterTest {

    @Test
    void a_plist_is_written_under_apples_dtd_with_one_tab_indented_element_a_line() {
        NSDictionary dict = new NSDictionary();
        dict.put("Label", new NSString("dev.homefleet.agent"));
        dict.put("RunAtLoad", new NSNumber(true));
        dict.put("ProgramArguments", new NSArray(new NSString("/usr/bin/true")));

        assertThat(PlistWriter.write(dict)).isEqualTo("""
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                \t<key>Label</key>
                \t<string>dev.homefleet.agent</string>
                \t<key>RunAtLoad</key>
                \t<true/>
                \t<key>ProgramArguments</key>
                \t<array>
                \t\t<string>/usr/bin/true</string>
                \t</array>
                </dict>
                </plist>
                """);
    }

    @Test
    void ampersands_and_angle_brackets_are_escaped_in_keys_and_strings_and_quotes_are_left_as_they_are() {
        NSDictionary dict = new NSDictionary();
        dict.put("A&B<C>", new NSString("x & y <z> \"q\" 'a'"));

        assertThat(PlistWriter.write(dict))
                .contains("<key>A&amp;B&lt;C&gt;</key>")
                .contains("<string>x &amp; y &lt;z&gt; \"q\" 'a'</string>");
    }

    @Test
    void every_kind_of_plist_value_reads_back_through_dd_plist_as_it_was_written() throws Exception {
        NSDictionary nested = new NSDictionary();
        nested.put("SuccessfulExit", new NSNumber(false));
        NSDictionary dict = new NSDictionary();
        dict.put("string", new NSString("  leading and trailing blanks, a tab\t, a line\nfeed, a \r return, é, 🚀  "));
        dict.put("integer", new NSNumber(-42));
        dict.put("big", new NSNumber(Long.MAX_VALUE));
        // Not 2.5: dd-plist's NSNumber.equals also compares a long view, truncated when built, rounded when parsed.
        dict.put("real", new NSNumber(2.25));
        dict.put("true", new NSNumber(true));
        dict.put("false", new NSNumber(false));
        dict.put("date", new NSDate(Date.from(Instant.parse("2026-01-29T05:30:00Z"))));
        dict.put("data", new NSData(new byte[] {0, 1, 2, (byte) 0xff}));
        dict.put("array", new NSArray(new NSString("a"), new NSNumber(1), nested));
        dict.put("empty array", new NSArray(0));
        dict.put("empty dict", new NSDictionary());
        dict.put("nested", nested);

        NSObject read = PropertyListParser.parse(PlistWriter.write(dict).getBytes(StandardCharsets.UTF_8));

        assertThat(read).isEqualTo(dict);
    }

    @Test
    void empty_arrays_and_dictionaries_are_written_as_empty_elements() {
        NSDictionary dict = new NSDictionary();
        dict.put("a", new NSArray(0));
        dict.put("d", new NSDictionary());

        assertThat(PlistWriter.write(dict)).contains("\t<array/>\n").contains("\t<dict/>\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\u0001", "\u001b", "\uFFFE", "\uD800"})
    void a_character_xml_cannot_carry_is_refused_naming_where_it_is(String bad) {
        NSDictionary env = new NSDictionary();
        env.put("TOKEN", new NSString("a" + bad + "b"));
        NSDictionary dict = new NSDictionary();
        dict.put("EnvironmentVariables", env);

        assertThatThrownBy(() -> PlistWriter.write(dict))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("EnvironmentVariables.TOKEN holds the character U+")
                .hasMessageEndingWith(", which XML cannot carry; remove it");
    }
}
