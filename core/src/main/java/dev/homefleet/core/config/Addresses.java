package dev.homefleet.core.config;

/** How a machine is known on the networks: its LAN address, its Tailscale address and its mDNS name. */
public record Addresses(String lan, String tailscale, String mdns) {}
