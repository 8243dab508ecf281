package dev.homefleet.controller.discovery;

/**
 * A machine's {@code .local} name from fleet.yaml and what it resolved to over mDNS.
 *
 * @param address the address that answered, or null when nothing answered in time (unresolved)
 */
public record MdnsName(String machine, String name, String address) {

    public boolean resolved() {
        return address != null;
    }
}
