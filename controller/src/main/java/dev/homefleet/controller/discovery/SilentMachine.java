package dev.homefleet.controller.discovery;

/** A machine of fleet.yaml that has an agent, and whose agent did not answer on mDNS. */
public record SilentMachine(String machine, int port) {}
