/**
 * macOS launchd: the plist model and writer, the launchctl wrapper and the LaunchAgent templates for homefleet's
 * own daemons. Filled in by the service-manager work; the module exists so the reactor has its final shape.
 */
package dev.homefleet.launchd;
