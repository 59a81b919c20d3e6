package io.ringclip.it.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringclip.it.docker.RingclipImage;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.config.TrainConfigFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml keeps the properties the cluster relies on: workers scale (no fixed name or
 * host port), the coordinator is healthchecked with a tool the image has and publishes gRPC and
 * metrics, tokens and the subnet come from the environment with defaults, and every service
 * builds the same image (compose 1.29 would otherwise try to pull a missing one).
 */
class ComposeFileTest {

    /** ${VAR:-default}: configurable, and works without an .env file. */
    private static final Pattern ENV_WITH_DEFAULT = Pattern.compile("\\$\\{RINGCLIP_[A-Z_]+:-[^}]+}");

    private static JsonNode compose;

    @BeforeAll
    static void load() throws IOException {
        // SnakeYAML resolves the `<<: *ringclip` merge keys as compose does (Jackson's YAML reader does not).
        Object yaml = new Yaml().load(Files.readString(RingclipImage.repositoryRoot().resolve("docker-compose.yml")));
        compose = new ObjectMapper().valueToTree(yaml);
    }

    @Test
    void shouldUseComposeFormat38() {
        assertEquals("3.8", compose.path("version").asText());
    }

    @Test
    void shouldLetWorkersScale() {
        JsonNode worker = service("worker");
        assertTrue(worker.path("container_name").isMissingNode(), "a fixed container_name prevents --scale");
        assertTrue(worker.path("ports").isMissingNode(), "a fixed host port prevents --scale");
        assertEquals("service_healthy", worker.path("depends_on").path("coordinator").path("condition").asText());
        assertEquals("worker", worker.path("command").get(0).asText());
        assertTrue(commandFlag(worker, "--coordinator").equals("coordinator:7070"), "workers address the service by name");
    }

    @Test
    void shouldHealthcheckAndPublishTheCoordinator() {
        JsonNode coordinator = service("coordinator");
        List<String> test = strings(coordinator.path("healthcheck").path("test"));
        assertEquals(List.of("CMD", "bash", "-c", "</dev/tcp/127.0.0.1/7070"), test);
        List<String> ports = strings(coordinator.path("ports"));
        assertTrue(ports.stream().anyMatch(p -> p.endsWith(":9090")), "metrics port published: " + ports);
        assertTrue(ports.stream().anyMatch(p -> p.endsWith(":7070")), "gRPC port published: " + ports);
        assertEquals("7070", commandFlag(coordinator, "--port"));
        assertEquals("9090", commandFlag(coordinator, "--metrics-port"));
        String journal = commandFlag(coordinator, "--journal");
        assertTrue(strings(coordinator.path("volumes")).stream().anyMatch(v -> v.endsWith(":" + journal)),
                "the journal lives on a volume so a recreated coordinator keeps its jobs");
    }

    @Test
    void shouldTakeTokensAndSubnetFromTheEnvironmentWithDefaults() {
        JsonNode coordinatorEnv = service("coordinator").path("environment");
        String jobToken = coordinatorEnv.path("RINGCLIP_JOB_TOKEN").asText();
        String adminToken = coordinatorEnv.path("RINGCLIP_ADMIN_TOKEN").asText();
        assertTrue(ENV_WITH_DEFAULT.matcher(jobToken).matches(), "job token=" + jobToken);
        assertTrue(ENV_WITH_DEFAULT.matcher(adminToken).matches(), "admin token=" + adminToken);
        assertEquals(jobToken, service("worker").path("environment").path("RINGCLIP_JOB_TOKEN").asText());
        assertEquals(adminToken, service("submit").path("environment").path("RINGCLIP_ADMIN_TOKEN").asText());
        String subnet = compose.path("networks").path("ringclip").path("ipam").path("config").get(0).path("subnet").asText();
        assertTrue(ENV_WITH_DEFAULT.matcher(subnet).matches(), "subnet=" + subnet);
    }

    @Test
    void shouldSubmitAValidJobSpecOnceTheCoordinatorIsHealthy() throws IOException {
        JsonNode submit = service("submit");
        assertEquals(List.of("admin", "submit"), strings(submit.path("command")).subList(0, 2));
        assertEquals("service_healthy", submit.path("depends_on").path("coordinator").path("condition").asText());
        assertEquals("no", submit.path("restart").asText(), "submits once per `up`");
        String specPath = strings(submit.path("command")).get(2);
        String mount = strings(submit.path("volumes")).stream().filter(v -> v.contains(":" + specPath)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + specPath));
        Path hostFile = RingclipImage.repositoryRoot().resolve(mount.substring(0, mount.indexOf(':')));

        TrainConfig spec = TrainConfigFiles.load(hostFile).build();
        assertEquals(spec.steps(), Integer.parseInt(commandFlag(submit, "--steps")), "--steps must match the spec's steps");
        assertEquals("coordinator:7070", commandFlag(submit, "--coordinator"));
    }

    @Test
    void shouldBuildOneImageForEveryService() {
        List<String> images = new ArrayList<>();
        compose.path("services").properties().forEach(e -> {
            JsonNode service = e.getValue();
            assertEquals("deploy/Dockerfile", service.path("build").path("dockerfile").asText(), e.getKey() + " builds the image");
            images.add(service.path("image").asText());
        });
        assertFalse(images.isEmpty());
        assertEquals(1, images.stream().distinct().count(), "images: " + images);
    }

    private static JsonNode service(String name) {
        JsonNode s = compose.path("services").path(name);
        assertFalse(s.isMissingNode(), "no service " + name);
        return s;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String commandFlag(JsonNode service, String name) {
        return strings(service.path("command")).stream()
                .filter(a -> a.startsWith(name + "="))
                .map(a -> a.substring(name.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + "=… in " + service.path("command")));
    }
}
