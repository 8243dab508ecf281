package dev.homefleet.controller.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DocumentDiffTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode read(String text) throws Exception {
        return json.readTree(text.replace('\'', '"'));
    }

    @Test
    void keyed_parts_send_only_the_changed_entries_and_the_rest_is_replaced_whole() throws Exception {
        JsonNode before = read("{'at':'1','summary':{'overall':'ok','machines_up':2},"
                + "'machines':{'macbook':{'health':'up'},'macmini':{'health':'up'},'pc':{'health':'down'}},"
                + "'jobs':{'healer':{'outcome':'ok'}},'conflicts':['a']}");
        JsonNode after = read("{'at':'2','summary':{'overall':'degraded','machines_up':2},"
                + "'machines':{'macbook':{'health':'up'},'macmini':{'health':'down'},'nas':{'health':'up'}},"
                + "'jobs':{'healer':{'outcome':'ok'}},'conflicts':['a']}");

        JsonNode delta = DocumentDiff.diff(before, after);

        assertThat(delta).isEqualTo(read("{'at':'2','summary':{'overall':'degraded','machines_up':2},"
                + "'machines':{'macmini':{'health':'down'},'nas':{'health':'up'},'pc':null}}"));
        assertThat(DocumentDiff.merge(before, delta)).isEqualTo(after);
    }

    @Test
    void equal_documents_give_an_empty_delta() throws Exception {
        JsonNode doc = read("{'at':'1','machines':{'macbook':{'health':'up'}}}");

        assertThat(DocumentDiff.diff(doc, doc.deepCopy()).isEmpty()).isTrue();
    }

    @Test
    void a_part_that_appears_or_goes_is_sent_whole_or_as_null() throws Exception {
        JsonNode before = read("{'at':'1','conflicts':['a']}");
        JsonNode after = read("{'at':'1','checkins':{'clawd-status':{'state':'late'}}}");

        JsonNode delta = DocumentDiff.diff(before, after);

        assertThat(delta).isEqualTo(read("{'checkins':{'clawd-status':{'state':'late'}},'conflicts':null}"));
        assertThat(DocumentDiff.merge(before, delta)).isEqualTo(after);
    }
}
