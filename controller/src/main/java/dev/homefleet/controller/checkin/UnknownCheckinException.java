package dev.homefleet.controller.checkin;

import java.util.List;

/** A report or an action named a check-in fleet.yaml does not declare; the message lists the ones it does. */
public final class UnknownCheckinException extends RuntimeException {

    private final String name;

    public UnknownCheckinException(String name, List<String> known) {
        super(message(name, known), null, false, false);
        this.name = name;
    }

    public String name() {
        return name;
    }

    private static String message(String name, List<String> known) {
        String what = "no check-in named '" + name + "' in fleet.yaml";
        return known.isEmpty() ? what + "; it declares none: add it under checkins:"
                : what + "; the known ones are " + String.join(", ", known) + " (add it under checkins: to track it)";
    }
}
