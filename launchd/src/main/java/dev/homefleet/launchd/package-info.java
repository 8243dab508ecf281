/**
 * macOS launchd. {@code plist}: the job model, an XML writer under Apple's plist 1.0 DTD and a reader for existing
 * plists of any format (dd-plist). {@code launchctl}: launchctl(1) through a CommandRunner, with the legacy verbs of
 * macOS 10.9 and older as fallback, and parsers for its outputs. {@code render}: the LaunchAgents of homefleet's
 * controller and agent (from {@code launchd/templates/}) and the plists of fleet.yaml launchd services.
 * {@code service}: the ServiceManager of a launchd service, and the installer.
 */
package dev.homefleet.launchd;
