package io.ringclip.it.k8s;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * Finds fields that the Kubernetes schema does not define. fabric8's model classes keep every
 * unknown YAML key in an {@code additionalProperties} map instead of failing, so a misspelt key
 * ({@code containerport}, {@code readinesProbe}) would otherwise parse silently and be ignored by
 * the cluster. This walks the parsed object tree and reports the first such key with its path.
 */
final class UnknownFields {

    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

    private UnknownFields() {}

    static void requireNone(Object resource, String path) {
        walk(resource, path);
    }

    private static void walk(Object node, String path) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k));
            return;
        }
        if (!node.getClass().getName().startsWith(MODEL_PACKAGE)) {
            return; // a scalar (String, Integer, Boolean…)
        }
        for (Class<?> c = node.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object value = read(field, node);
                if (field.getName().equals("additionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        throw new AssertionError("unknown Kubernetes field: path=" + path + ", keys=" + extra.keySet());
                    }
                } else {
                    walk(value, path + "." + field.getName());
                }
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read model field: field=" + field, e);
        }
    }
}
