package dev.homefleet.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.homefleet.controller.checkin.ReportStatus;
import dev.homefleet.core.config.Addresses;
import dev.homefleet.core.config.Binds;
import dev.homefleet.core.config.ControllerSpec;
import dev.homefleet.core.config.FleetConfig;
import dev.homefleet.core.config.LoadResult;
import dev.homefleet.core.config.MachineSpec;
import dev.homefleet.core.config.Secret;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Report a job's run to the controller, as a cron script would with POST /api/log: "
                + "the check-in JOB is up again, and the status decides the alert's severity.",
                "Exits 0 once the controller has stored the report, 1 when it could not be delivered, "
                        + "2 when the controller refused it (unknown job, bad status)."})
final class ReportCommand implements Callable<Integer> {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final CliContext context;
    private final ObjectMapper json = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Parameters(index = "0", paramLabel = "JOB", description = "The check-in's name in fleet.yaml (checkins:).")
    String job;

    @Option(names = {"-s", "--status"}, paramLabel = "STATUS", defaultValue = "ok",
            description = "ok, warning or critical (default ${DEFAULT-VALUE}).")
    String status;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", defaultValue = "",
            description = "What the run did, in one line (\"Cleaned 5 orphans\").")
    String message;

    @Option(names = "--url", paramLabel = "URL",
            description = "The controller, e.g. http://127.0.0.1:8420. Default: from fleet.yaml's controller bind "
                    + "and port (127.0.0.1 when it listens on loopback or everywhere); fleet.yaml is not read then.")
    String url;

    ReportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ReportStatus parsed;
        try {
            parsed = ReportStatus.parse(status);
        } catch (IllegalArgumentException e) {
            throw new FleetCommand.UsageException("--status: " + e.getMessage());
        }
        String base;
        Optional<String> token = Optional.empty();
        if (url != null) {
            base = url.strip().replaceAll("/+$", "");
        } else {
            LoadResult result = options.load(context);
            if (!result.ok()) {
                return Output.refuse(spec.commandLine().getErr(), result, "; fix them, or pass --url");
            }
            FleetConfig config = result.config();
            if (!config.checkins().containsKey(job)) {
                throw new FleetCommand.UsageException("no check-in named '" + job + "' in " + result.file()
                        + (config.checkins().isEmpty() ? "; it declares none: add it under checkins:"
                                : "; the known ones are " + String.join(", ", config.checkins().keySet())));
            }
            base = controllerUrl(config);
            token = adminToken(config.controller());
        }
        return send(base, parsed, token);
    }

    private int send(String base, ReportStatus parsed, Optional<String> token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", parsed.wire());
        body.put("message", message);
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(base + "/api/v1/checkins/"
                            + URLEncoder.encode(job, StandardCharsets.UTF_8).replace("+", "%20")))
                    .timeout(ANSWER_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "homefleet fleet-report")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        } catch (IllegalArgumentException | IOException e) {
            throw new FleetCommand.UsageException("--url: '" + base + "' is not a URL such as http://127.0.0.1:"
                    + ControllerSpec.DEFAULT_PORT);
        }
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        var err = spec.commandLine().getErr();
        HttpResponse<String> response;
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            err.println("fleet: no controller answers on " + base + "; is `fleet controller` running?");
            return ExitCodes.FINDING;
        } catch (HttpTimeoutException e) {
            err.println("fleet: the controller on " + base + " did not answer within "
                    + ANSWER_TIMEOUT.toSeconds() + "s; the report may not be stored, send it again");
            return ExitCodes.FINDING;
        } catch (IOException e) {
            err.println("fleet: the report could not be delivered to " + base + ": " + e);
            return ExitCodes.FINDING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("fleet: interrupted before the controller answered; the report may not be stored");
            return ExitCodes.FINDING;
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() == 200 && answer.path("ok").asBoolean()) {
            spec.commandLine().getOut().println("reported " + parsed.wire() + " for " + job + " (report "
                    + answer.path("id").asLong() + ")");
            return ExitCodes.OK;
        }
        String why = answer.path("error").path("message").asText("");
        err.println("fleet: the controller on " + base + " refused the report (HTTP " + response.statusCode()
                + ")" + (why.isEmpty() ? "" : ": " + why));
        int code = response.statusCode();
        boolean badRequest = code == 400 || code == 404 || code == 413;
        return badRequest ? ExitCodes.USAGE : ExitCodes.FINDING;
    }

    /** Where the controller listens, seen from its own machine: loopback when it listens there or everywhere. */
    static String controllerUrl(FleetConfig config) {
        ControllerSpec controller = config.controller();
        Addresses addresses = config.machine(controller.machine()).map(MachineSpec::addresses)
                .orElse(new Addresses(null, null, null));
        String address = Binds.resolve(controller.bind(), addresses)
                .filter(a -> !Binds.isWildcard(a) && !a.equals(Binds.NONE))
                .orElse(Binds.LOOPBACK);
        String host = address.contains(":") ? "[" + address + "]" : address;
        return "http://" + host + ":" + controller.port();
    }

    private Optional<String> adminToken(ControllerSpec controller) {
        Secret admin = controller.tokens() == null ? null : controller.tokens().admin();
        if (admin == null) {
            return Optional.empty();
        }
        try {
            return admin.resolve(context.environment(), context.home());
        } catch (IOException e) {
            spec.commandLine().getErr().println("fleet: warning: controller.tokens.admin not read: "
                    + e.getMessage());
            return Optional.empty();
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
