package dev.homefleet.pm2;

import java.util.List;

/** fleet.yaml describes a machine's pm2 services in a way no ecosystem file can hold; every problem at once. */
public final class EcosystemException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public EcosystemException(List<String> problems) {
        super(String.join("; ", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an EcosystemException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Each one a sentence that starts with the fleet.yaml key it is about. */
    public List<String> problems() {
        return problems;
    }
}
