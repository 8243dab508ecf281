package dev.homefleet.launchd.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSString;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlistTemplateTest {

    private static NSDictionary template() {
        NSDictionary env = new NSDictionary();
        env.put("HOME", new NSString("{{home}}"));
        NSDictionary dict = new NSDictionary();
        dict.put("ProgramArguments", new NSArray(new NSString("{{java}}"), new NSString("{{flags}}"),
                new NSString("-jar")));
        dict.put("EnvironmentVariables", env);
        dict.put("StandardOutPath", new NSString("{{home}}/logs/{{home}}.log"));
        return dict;
    }

    @Test
    void scalars_fill_every_occurrence_and_a_list_element_becomes_that_many_elements() {
        PlistTemplate template = new PlistTemplate("t.plist", Map.of("java", "/usr/bin/java", "home", "/h"),
                Map.of("flags", List.of("-Xmx1m", "-Xss1m")));

        NSDictionary filled = template.fill(template());

        assertThat(((NSArray) filled.get("ProgramArguments")).getArray()).containsExactly(
                new NSString("/usr/bin/java"), new NSString("-Xmx1m"), new NSString("-Xss1m"), new NSString("-jar"));
        assertThat(filled.get("StandardOutPath")).isEqualTo(new NSString("/h/logs//h.log"));
        assertThat(((NSDictionary) filled.get("EnvironmentVariables")).get("HOME")).isEqualTo(new NSString("/h"));
    }

    @Test
    void an_empty_list_removes_its_element_and_a_value_that_looks_like_a_placeholder_is_not_filled_again() {
        PlistTemplate template = new PlistTemplate("t.plist", Map.of("java", "{{home}}", "home", "/h"),
                Map.of("flags", List.of()));

        NSDictionary filled = template.fill(template());

        assertThat(((NSArray) filled.get("ProgramArguments")).getArray()).containsExactly(new NSString("{{home}}"),
                new NSString("-jar"));
    }

    @Test
    void a_placeholder_without_a_value_is_a_bug_named_with_the_template() {
        PlistTemplate template = new PlistTemplate("t.plist", Map.of("java", "/usr/bin/java"),
                Map.of("flags", List.of()));

        assertThatThrownBy(() -> template.fill(template()))
                .hasMessage("t.plist uses {{home}}, which homefleet has no value for");
    }

    @Test
    void a_list_placeholder_inside_a_longer_string_is_refused() {
        NSDictionary dict = new NSDictionary();
        dict.put("X", new NSString("--flags={{flags}}"));

        assertThatThrownBy(() -> new PlistTemplate("t.plist", Map.of(), Map.of("flags", List.of("a"))).fill(dict))
                .hasMessage("t.plist uses {{flags}}, a list, where only a whole array element can take it");
    }
}
