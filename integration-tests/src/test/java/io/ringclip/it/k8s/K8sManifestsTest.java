package io.ringclip.it.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.ringclip.it.docker.RingclipImage;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.config.TrainConfigFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s parses into the typed Kubernetes model with no unknown field, and its resources fit
 * together: the images, the ports the Services target, the tokens taken from the Secret, the job
 * spec ConfigMap mounted where the submit Job reads it (and valid for the trainer), replicas and
 * probes.
 */
class K8sManifestsTest {

    private static final String IMAGE_REPOSITORY = "ringclip";
    private static final int GRPC_PORT = 7070;
    private static final int METRICS_PORT = 9090;

    private static K8sManifests manifests;

    @BeforeAll
    static void load() {
        manifests = K8sManifests.load(RingclipImage.repositoryRoot().resolve("deploy/k8s"));
    }

    @Test
    void shouldRunOneCoordinatorWithItsJournalOnAPersistentVolume() {
        Deployment deployment = manifests.get(Deployment.class, "ringclip-coordinator");
        assertEquals(1, deployment.getSpec().getReplicas());
        assertEquals("Recreate", deployment.getSpec().getStrategy().getType(), "two coordinators must never share the journal");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container coordinator = onlyContainer(pod);

        assertEquals("coordinator", coordinator.getArgs().getFirst());
        assertEquals(Set.of(GRPC_PORT, METRICS_PORT), containerPorts(coordinator));
        assertEquals(String.valueOf(GRPC_PORT), flag(coordinator, "--port"));
        assertEquals(String.valueOf(METRICS_PORT), flag(coordinator, "--metrics-port"));

        String journal = flag(coordinator, "--journal");
        Volume journalVolume = volumeMountedAt(pod, coordinator, journal);
        assertNotNull(journalVolume.getPersistentVolumeClaim(), "journal must survive a pod restart");
        manifests.get(PersistentVolumeClaim.class, journalVolume.getPersistentVolumeClaim().getClaimName());

        assertEquals(GRPC_PORT, coordinator.getReadinessProbe().getGrpc().getPort());
        assertEquals(GRPC_PORT, coordinator.getLivenessProbe().getGrpc().getPort());
    }

    @Test
    void shouldTakeBothCoordinatorTokensFromTheSecret() {
        Container coordinator = onlyContainer(manifests.get(Deployment.class, "ringclip-coordinator").getSpec().getTemplate().getSpec());
        assertEnvFromSecret(coordinator, "RINGCLIP_JOB_TOKEN", "job-token");
        assertEnvFromSecret(coordinator, "RINGCLIP_ADMIN_TOKEN", "admin-token");
        assertTrue(coordinator.getArgs().stream().noneMatch(a -> a.contains("token")), "tokens stay out of the args");
    }

    @Test
    void shouldSubmitTheJobFromTheConfigMapWithTheAdminToken() {
        Job submit = manifests.get(Job.class, "ringclip-submit");
        PodSpec pod = submit.getSpec().getTemplate().getSpec();
        Container c = onlyContainer(pod);
        assertEquals(List.of("admin", "submit"), c.getArgs().subList(0, 2));
        assertEquals("coordinator:" + GRPC_PORT, flag(c, "--coordinator"));
        assertEnvFromSecret(c, "RINGCLIP_ADMIN_TOKEN", "admin-token");

        Path specFile = Path.of(c.getArgs().get(2));
        Volume volume = volumeMountedAt(pod, c, specFile.getParent().toString());
        assertNotNull(volume.getConfigMap(), "the job spec comes from a ConfigMap");
        ConfigMap jobConfigMap = manifests.get(ConfigMap.class, volume.getConfigMap().getName());
        String specText = jobConfigMap.getData().get(specFile.getFileName().toString());
        assertNotNull(specText, "ConfigMap " + jobConfigMap.getMetadata().getName() + " has no key " + specFile.getFileName());

        TrainConfig spec = TrainConfigFiles.parse(specText, true, "ConfigMap " + jobConfigMap.getMetadata().getName()).build();
        assertEquals(spec.steps(), Integer.parseInt(flag(c, "--steps")), "--steps must match steps in the spec");
        assertTrue(spec.outDir().startsWith("/checkpoints/"), "the run directory is on the workers' shared checkpoints volume: out=" + spec.outDir());
        int replicas = manifests.get(StatefulSet.class, "ringclip-worker").getSpec().getReplicas();
        int minWorkers = Integer.parseInt(flag(c, "--min-workers"));
        int maxWorkers = Integer.parseInt(flag(c, "--max-workers"));
        assertTrue(minWorkers >= 1 && minWorkers <= replicas && replicas <= maxWorkers,
                "min_workers=" + minWorkers + " <= replicas=" + replicas + " <= max_workers=" + maxWorkers);
    }

    @Test
    void shouldExposeTheCoordinatorAsServiceCoordinatorOnItsGrpcAndMetricsPorts() {
        Deployment deployment = manifests.get(Deployment.class, "ringclip-coordinator");
        Service service = manifests.get(Service.class, "coordinator");
        assertSelects(service, deployment.getSpec().getTemplate());
        Container coordinator = onlyContainer(deployment.getSpec().getTemplate().getSpec());
        for (ServicePort port : service.getSpec().getPorts()) {
            int target = resolveTargetPort(port, coordinator);
            assertEquals(port.getPort(), target, "service port " + port.getName() + " should keep the container's number");
        }
        assertEquals(Set.of(GRPC_PORT, METRICS_PORT),
                Set.copyOf(service.getSpec().getPorts().stream().map(ServicePort::getPort).toList()));
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        assertEquals(String.valueOf(METRICS_PORT), annotations.get("prometheus.io/port"));
    }

    @Test
    void shouldRunWorkersAsAStatefulSetThatJoinsTheCoordinatorService() {
        StatefulSet workers = manifests.get(StatefulSet.class, "ringclip-worker");
        assertTrue(workers.getSpec().getReplicas() >= 2, "a ring needs at least two workers");
        Service headless = manifests.get(Service.class, workers.getSpec().getServiceName());
        assertEquals("None", headless.getSpec().getClusterIP());
        assertSelects(headless, workers.getSpec().getTemplate());

        Container worker = onlyContainer(workers.getSpec().getTemplate().getSpec());
        assertEquals("worker", worker.getArgs().getFirst());
        assertEquals("coordinator:" + GRPC_PORT, flag(worker, "--coordinator"));
        assertEnvFromSecret(worker, "RINGCLIP_JOB_TOKEN", "job-token");
        assertEquals("/checkpoints", flag(worker, "--out"), "run directories on the shared checkpoints volume");
        assertEquals("metadata.name", fieldRef(worker, flag(worker, "--worker-id")), "worker id = stable pod name");
        assertEquals("status.podIP", fieldRef(worker, flag(worker, "--host")));
        assertTrue(containerPorts(worker).contains(Integer.parseInt(flag(worker, "--data-port"))));
        Volume checkpoints = volumeMountedAt(workers.getSpec().getTemplate().getSpec(), worker, "/checkpoints");
        PersistentVolumeClaim claim = manifests.get(PersistentVolumeClaim.class, checkpoints.getPersistentVolumeClaim().getClaimName());
        assertEquals(List.of("ReadWriteMany"), claim.getSpec().getAccessModes(),
                "every worker resumes from the same checkpoints, whatever rank it gets after a restart");
    }

    @Test
    void shouldUseOneRingclipImageEverywhere() {
        List<String> images = podTemplates().flatMap(t -> t.getSpec().getContainers().stream()).map(Container::getImage).toList();
        assertFalse(images.isEmpty());
        assertEquals(1, Set.copyOf(images).size(), "images: " + images);
        assertEquals(IMAGE_REPOSITORY, images.getFirst().split(":")[0]);
    }

    @Test
    void shouldReferOnlyToSecretKeysAndConfigMapsThatExist() {
        podTemplates().forEach(template -> {
            for (Container c : template.getSpec().getContainers()) {
                for (EnvVar env : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                        SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
                        Secret secret = manifests.get(Secret.class, ref.getName());
                        assertTrue(secretKeys(secret).contains(ref.getKey()), "secret " + ref.getName() + " has no key " + ref.getKey());
                    }
                }
            }
            for (Volume v : Optional.ofNullable(template.getSpec().getVolumes()).orElse(List.of())) {
                if (v.getConfigMap() != null) {
                    manifests.get(ConfigMap.class, v.getConfigMap().getName());
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------------

    private static Stream<PodTemplateSpec> podTemplates() {
        return Stream.of(
                manifests.all(Deployment.class).stream().map(d -> d.getSpec().getTemplate()),
                manifests.all(StatefulSet.class).stream().map(s -> s.getSpec().getTemplate()),
                manifests.all(Job.class).stream().map(j -> j.getSpec().getTemplate()))
                .flatMap(s -> s);
    }

    private static Container onlyContainer(PodSpec pod) {
        assertEquals(1, pod.getContainers().size());
        return pod.getContainers().getFirst();
    }

    private static Set<Integer> containerPorts(Container c) {
        return Set.copyOf(c.getPorts().stream().map(p -> p.getContainerPort()).toList());
    }

    /** The value of {@code --name=value} in the container's args. */
    static String flag(Container c, String name) {
        return c.getArgs().stream()
                .filter(a -> a.startsWith(name + "="))
                .map(a -> a.substring(name.length() + 1))
                .findFirst()
                .orElseThrow(() -> new AssertionError("container " + c.getName() + " has no " + name + "=… in args " + c.getArgs()));
    }

    private static void assertEnvFromSecret(Container c, String name, String key) {
        EnvVar env = Optional.ofNullable(c.getEnv()).orElse(List.of()).stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("container " + c.getName() + " has no env " + name));
        assertNotNull(env.getValueFrom(), env.getName() + " should come from a Secret, not a literal");
        SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
        assertNotNull(ref, env.getName() + " should come from a Secret");
        assertEquals(key, ref.getKey());
        assertTrue(secretKeys(manifests.get(Secret.class, ref.getName())).contains(key));
    }

    private static String fieldRef(Container c, String value) {
        EnvVar env = envReferencedBy(c, value);
        return env.getValueFrom().getFieldRef().getFieldPath();
    }

    private static EnvVar envReferencedBy(Container c, String value) {
        assertTrue(value.startsWith("$(") && value.endsWith(")"), "expected $(VAR), got " + value);
        String var = value.substring(2, value.length() - 1);
        return c.getEnv().stream().filter(e -> e.getName().equals(var)).findFirst()
                .orElseThrow(() -> new AssertionError("container " + c.getName() + " has no env " + var));
    }

    private static Set<String> secretKeys(Secret secret) {
        return Stream.of(secret.getData(), secret.getStringData())
                .filter(Objects::nonNull)
                .flatMap(m -> m.keySet().stream())
                .collect(java.util.stream.Collectors.toSet());
    }

    static Volume volumeMountedAt(PodSpec pod, Container c, String path) {
        VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path + " in " + c.getName()));
        return pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
    }

    private static void assertSelects(Service service, PodTemplateSpec template) {
        Map<String, String> labels = template.getMetadata().getLabels();
        service.getSpec().getSelector().forEach((k, v) ->
                assertEquals(v, labels.get(k), "service " + service.getMetadata().getName() + " selector " + k));
    }

    private static int resolveTargetPort(ServicePort port, Container c) {
        var target = port.getTargetPort();
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        return c.getPorts().stream().filter(p -> target.getStrVal().equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + target.getStrVal()))
                .getContainerPort();
    }
}
