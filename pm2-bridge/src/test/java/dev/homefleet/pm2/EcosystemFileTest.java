package dev.homefleet.pm2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EcosystemFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode app(String json) throws IOException {
        return (ObjectNode) JSON.readTree(json);
    }

    private static EcosystemFile twoApps() throws IOException {
        ObjectNode web = app("{\"name\":\"web\",\"script\":\"server.js\",\"min_uptime\":1000}");
        EcosystemFile.putEnv(web, Map.of("PORT", "3000"));
        return EcosystemFile.of("// made by a test", List.of(web, app("{\"name\":\"worker\",\"script\":\"w.js\"}")));
    }

    @Test
    void it_renders_as_comments_then_module_exports_of_json() throws IOException {
        assertThat(twoApps().render()).isEqualTo("""
                // made by a test
                module.exports = {
                  "apps": [
                    {
                      "name": "web",
                      "script": "server.js",
                      "min_uptime": 1000,
                      "env": {
                        "PORT": "3000",
                        "HOMEFLEET_ENV_DIGEST": "%s"
                      }
                    },
                    {
                      "name": "worker",
                      "script": "w.js"
                    }
                  ]
                };
                """.formatted(EcosystemFile.digest(Map.of("PORT", "3000"))));
    }

    @Test
    void what_it_renders_it_reads_back() throws IOException {
        EcosystemFile file = twoApps();

        EcosystemFile again = EcosystemFile.parse(file.render(), "eco.config.js");

        assertThat(again.render()).isEqualTo(file.render());
        assertThat(again.appNames()).containsExactly("web", "worker");
        assertThat(again.env("web")).contains(Map.of("PORT", "3000"));
        assertThat(again.env("worker")).contains(Map.of());
        assertThat(again.env("nosuch")).isEmpty();
    }

    @Test
    void with_env_replaces_all_of_one_apps_env_and_keeps_everything_else() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORT", "3001");
        env.put("NODE_ENV", "production");

        EcosystemFile changed = EcosystemFile.parse(twoApps().withEnv("web", env).render(), "eco.config.js");

        assertThat(changed.env("web")).contains(env);
        assertThat(changed.envDigest("web")).contains(EcosystemFile.digest(env));
        assertThat(changed.render()).startsWith("// made by a test\n").contains("\"min_uptime\": 1000")
                .contains("\"script\": \"w.js\"");
        assertThat(twoApps().env("web")).contains(Map.of("PORT", "3000")); // immutable
    }

    @Test
    void the_digest_changes_with_any_key_or_value_and_not_with_order() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("A", "1");
        ab.put("B", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("B", "2");
        ba.put("A", "1");

        assertThat(EcosystemFile.digest(ab)).isEqualTo(EcosystemFile.digest(ba)).hasSize(16);
        assertThat(EcosystemFile.digest(ab)).isNotEqualTo(EcosystemFile.digest(Map.of("A", "1")))
                .isNotEqualTo(EcosystemFile.digest(Map.of("A", "1", "B", "3")));
        assertThat(EcosystemFile.digest(Map.of())).isNotEqualTo(EcosystemFile.digest(Map.of("A", "")));
    }

    @Test
    void env_values_that_json_and_shells_treat_specially_survive_the_round_trip() throws IOException {
        Map<String, String> env = Map.of("QUOTES", "it's \"quoted\"", "MULTI", "line 1\nline 2", "UNICODE", "café ☕",
                "SHELL_ISH", "$(rm -rf ~); `x`", "CLOSER", "};");

        EcosystemFile file = EcosystemFile.parse(twoApps().withEnv("web", env).render(), "eco.config.js");

        assertThat(file.env("web")).contains(env);
    }

    @Test
    void with_env_of_an_app_it_does_not_have_is_refused() throws IOException {
        assertThatThrownBy(() -> twoApps().withEnv("nosuch", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the ecosystem file has no app named 'nosuch'; it has web, worker");
    }

    @Test
    void a_hand_written_ecosystem_file_is_refused_with_a_way_out() {
        String fix = "; homefleet reads only files it wrote (comments, then module.exports = <JSON>;): write it anew "
                + "with fleet pm2 ecosystem MACHINE";
        assertThatThrownBy(() -> EcosystemFile.parse("module.exports = {apps: [{name: 'web'}]};", "a.config.js"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("a.config.js: module.exports is not JSON (")
                .hasMessageEndingWith(fix);
        assertThatThrownBy(() -> EcosystemFile.parse("const port = 3000;\nmodule.exports = {\"apps\": []};",
                "a.config.js"))
                .hasMessage("a.config.js has code before module.exports: 'const port = 3000;'" + fix);
        assertThatThrownBy(() -> EcosystemFile.parse("module.exports = {\"apps\": []};\nconsole.log(1);",
                "a.config.js"))
                .hasMessage("a.config.js has code after the module.exports object" + fix);
        assertThatThrownBy(() -> EcosystemFile.parse("{\"apps\": []}", "a.config.js"))
                .hasMessage("a.config.js has no 'module.exports ='" + fix);
        assertThatThrownBy(() -> EcosystemFile.parse("module.exports = {\"services\": []};", "a.config.js"))
                .hasMessage("a.config.js: module.exports has no \"apps\" list" + fix);
        assertThatThrownBy(() -> EcosystemFile.parse("module.exports = {\"apps\": [{\"script\": \"x.js\"}]};",
                "a.config.js"))
                .hasMessage("a.config.js: every app needs a \"name\"; found {\"script\":\"x.js\"}");
    }

    @Test
    void an_empty_list_of_apps_renders_compactly() {
        assertThat(EcosystemFile.of("", List.of()).render()).isEqualTo("module.exports = {\n  \"apps\": []\n};\n");
    }
}
