/**
 * PM2: reading {@code pm2 jlist}, driving pm2 through a command runner, writing ecosystem files. Filled in by the
 * service-manager work; the module exists so the reactor has its final shape.
 */
package dev.homefleet.pm2;
