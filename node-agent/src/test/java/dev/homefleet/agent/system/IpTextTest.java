package dev.homefleet.agent.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpTextTest {

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
        "0.0.0.0,                 0.0.0.0",
        "127.0.0.1,               127.0.0.1",
        "0:0:0:0:0:0:0:0,         ::",
        "0:0:0:0:0:0:0:1,         ::1",
        "fe80:0:0:0:0:0:0:1,      fe80::1",
        "2001:db8:0:0:1:0:0:1,    2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1,    2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1,      2001:0:0:1::1",
    })
    void addresses_are_written_as_people_write_them(String literal, String text) throws UnknownHostException {
        assertThat(IpText.of(InetAddress.getByName(literal).getAddress())).isEqualTo(text);
    }

    @Test
    void an_ipv4_mapped_ipv6_address_is_written_as_ipv4_and_an_empty_one_as_the_wildcard() {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 10};
        assertThat(IpText.of(mapped)).isEqualTo("192.0.2.10");
        assertThat(IpText.of(new byte[0])).isEqualTo("0.0.0.0");
    }
}
