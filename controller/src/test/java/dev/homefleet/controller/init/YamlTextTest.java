package dev.homefleet.controller.init;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class YamlTextTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @ParameterizedTest
    @ValueSource(strings = {"true", "No", "off", "~", "null", "12", "-3", "1e3", "0x1F", "0b101", ".inf", "12:30",
            "2025-06-01", "a: b", "a:", "#x", "x #y", "-x", "[x]", "{x}", "a,b", "*", "&a", "!tag", "%x", "@every 5m",
            "`x`", "'q'", "say \"hi\"", "back\\slash", "tab\there", "line\nbreak", "", " lead", "trail ", "café",
            "<redacted>", "|", ">"})
    void a_scalar_reads_back_as_the_same_text(String text) throws Exception {
        JsonNode node = YAML.readTree("key: " + YamlText.scalar(text) + "\n").get("key");

        assertThat(node.isTextual()).as(YamlText.scalar(text)).isTrue();
        assertThat(node.textValue()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"com.clawdbot.gateway", "127.0.0.1:2024", "~/Library/LaunchAgents/a.plist", "0.0.0.0",
            "10.144.238.116", "pm2 app web", "/usr/bin/node", "http://127.0.0.1:3000/"})
    void ordinary_text_stays_plain(String text) throws Exception {
        assertThat(YamlText.scalar(text)).isEqualTo(text);
        assertThat(YAML.readTree("key: " + text).get("key").textValue()).isEqualTo(text);
    }

    @Test
    void a_flow_list_reads_back_item_by_item() throws Exception {
        List<String> argv = List.of("/usr/bin/node", "server.js", "--port", "3000", "a,b", "x y", "[z]", "true");

        JsonNode node = YAML.readTree("command: " + YamlText.list(argv)).get("command");

        assertThat(node.isArray()).isTrue();
        assertThat(node).extracting(JsonNode::textValue).containsExactlyElementsOf(argv);
    }

    @Test
    void comment_text_is_one_line() {
        assertThat(YamlText.comment(" a\nb\tc\u0000 ")).isEqualTo("a b c");
    }
}
