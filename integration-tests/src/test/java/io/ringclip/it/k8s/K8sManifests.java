package io.ringclip.it.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The resources in {@code deploy/k8s/*.yaml}, parsed into fabric8's typed Kubernetes model.
 * A kind this project does not use, or a field the Kubernetes schema does not have (caught by
 * {@link UnknownFields}), is an error: a typo in a manifest fails here instead of in a cluster.
 */
record K8sManifests(List<HasMetadata> resources) {

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Deployment", Deployment.class,
            "StatefulSet", StatefulSet.class,
            "Service", Service.class,
            "ConfigMap", ConfigMap.class,
            "Secret", Secret.class,
            "PersistentVolumeClaim", PersistentVolumeClaim.class,
            "Job", Job.class);

    /** Reads every resource file in {@code dir} (kustomization.yaml is not a resource). */
    static K8sManifests load(Path dir) {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<HasMetadata> resources = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc == null || doc.isNull() || doc.isEmpty()) {
                            continue;
                        }
                        String kind = doc.path("kind").asText();
                        Class<? extends HasMetadata> type = KINDS.get(kind);
                        if (type == null) {
                            throw new IllegalArgumentException("unexpected kind: file=" + file.getFileName() + ", kind=" + kind);
                        }
                        HasMetadata resource = yaml.treeToValue(doc, type);
                        UnknownFields.requireNone(resource, file.getFileName() + ":" + kind + "/" + resource.getMetadata().getName());
                        resources.add(resource);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifests: dir=" + dir, e);
        }
        return new K8sManifests(List.copyOf(resources));
    }

    /** The one resource of this type and name; fails with the names present otherwise. */
    <T extends HasMetadata> T get(Class<T> type, String name) {
        return resources.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(r -> r.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name
                        + ", have: " + all(type).stream().map(r -> r.getMetadata().getName()).toList()));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
