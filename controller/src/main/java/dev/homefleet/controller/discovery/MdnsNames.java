package dev.homefleet.controller.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.jmdns.JmDNS;
import javax.jmdns.impl.DNSEntry;
import javax.jmdns.impl.DNSOutgoing;
import javax.jmdns.impl.DNSQuestion;
import javax.jmdns.impl.DNSRecord;
import javax.jmdns.impl.JmDNSImpl;
import javax.jmdns.impl.constants.DNSConstants;
import javax.jmdns.impl.constants.DNSRecordClass;
import javax.jmdns.impl.constants.DNSRecordType;

/**
 * Resolves host names like {@code felipes-mac-mini.local} over mDNS. JmDNS has no public call for an address
 * query, so this asks through its implementation classes (pinned JmDNS 3.6.5): it sends A and AAAA questions and
 * reads the answers from the cache, where JmDNS keeps every record it hears. On any other JmDNS nothing resolves,
 * which the report shows as unresolved.
 */
final class MdnsNames {

    private final JmDNS jmdns;

    MdnsNames(JmDNS jmdns) {
        this.jmdns = jmdns;
    }

    /** Sends one question per name and type; answers arrive in the cache. */
    void ask(List<String> names) throws IOException {
        if (!(jmdns instanceof JmDNSImpl impl)) {
            return;
        }
        for (String name : names) {
            for (DNSRecordType type : List.of(DNSRecordType.TYPE_A, DNSRecordType.TYPE_AAAA)) {
                DNSOutgoing query = new DNSOutgoing(DNSConstants.FLAGS_QR_QUERY);
                query.addQuestion(DNSQuestion.newQuestion(fullyQualified(name), type, DNSRecordClass.CLASS_IN,
                        DNSRecordClass.NOT_UNIQUE));
                impl.send(query);
            }
        }
    }

    /** The address the name resolved to, IPv4 first, if an answer has arrived and not expired. */
    Optional<InetAddress> address(String name) {
        if (!(jmdns instanceof JmDNSImpl impl)) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        List<InetAddress> found = new ArrayList<>();
        for (DNSRecordType type : List.of(DNSRecordType.TYPE_A, DNSRecordType.TYPE_AAAA)) {
            for (DNSEntry entry : impl.getCache().getDNSEntryList(fullyQualified(name), type, DNSRecordClass.CLASS_IN)) {
                if (entry instanceof DNSRecord record && !record.isExpired(now)) {
                    found.addAll(List.of(record.getServiceInfo(false).getInetAddresses()));
                }
            }
        }
        return found.stream().filter(a -> a instanceof Inet4Address).findFirst().or(() -> found.stream().findFirst());
    }

    static String fullyQualified(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }
}
