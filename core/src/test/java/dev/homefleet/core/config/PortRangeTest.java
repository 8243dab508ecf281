package dev.homefleet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PortRangeTest {

    @Test
    void ranges_and_single_ports_parse_and_print_back() {
        assertThat(PortRange.parse("2567-2599")).isEqualTo(new PortRange(2567, 2599));
        assertThat(PortRange.parse("8081")).isEqualTo(new PortRange(8081, 8081));
        assertThat(PortRange.parse("2567-2599").toString()).isEqualTo("2567-2599");
        assertThat(PortRange.parse("8081").toString()).isEqualTo("8081");
        assertThat(PortRange.parse("2567-2599").size()).isEqualTo(33);
    }

    @Test
    void overlap_and_containment_are_inclusive() {
        PortRange aphos = PortRange.parse("2567-2599");
        assertThat(aphos.contains(2567)).isTrue();
        assertThat(aphos.contains(2599)).isTrue();
        assertThat(aphos.contains(2600)).isFalse();
        assertThat(aphos.overlaps(PortRange.parse("2599-2700"))).isTrue();
        assertThat(aphos.overlaps(PortRange.parse("2600-2700"))).isFalse();
    }

    @Test
    void a_reversed_or_out_of_range_range_is_refused() {
        assertThatThrownBy(() -> PortRange.parse("3099-3000"))
                .hasMessage("range 3099-3000 ends before it starts; write the lower port first: 3000-3099");
        assertThatThrownBy(() -> PortRange.parse("0-10")).hasMessage("port 0 is out of range; ports are 1 to 65535");
        assertThatThrownBy(() -> PortRange.parse("3000-"))
                .hasMessage("'3000-' is not a port range; write FROM-TO, e.g. 3000-3099, or a single port");
    }
}
