package dev.homefleet.core.config;

/** Bearer tokens for the controller's API: viewers read, admins also act. */
public record TokensSpec(Secret admin, Secret viewer) {}
