/**
 * PM2: {@link dev.homefleet.pm2.Pm2ServiceManager} drives one pm2 app through a
 * {@link dev.homefleet.core.exec.CommandRunner} (locally or over SSH), reading {@code pm2 jlist} and
 * {@code pm2 logs}; {@link dev.homefleet.pm2.EcosystemWriter} renders a machine's ecosystem file from fleet.yaml,
 * which {@link dev.homefleet.pm2.EcosystemFile} reads back and rewrites.
 */
package dev.homefleet.pm2;
