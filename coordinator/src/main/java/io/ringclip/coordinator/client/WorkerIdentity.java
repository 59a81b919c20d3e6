package io.ringclip.coordinator.client;

import java.util.Map;
import java.util.Objects;

/**
 * Who a worker is and where its peers reach it.
 *
 * @param workerId     stable across restarts of the same worker, [A-Za-z0-9._-]{1,128}
 * @param host         host name or IP address of this worker's data port
 * @param dataPort     the port of this worker's collective transport (1..65535)
 * @param capabilities free-form facts for admins and placement, e.g. cores=2
 */
public record WorkerIdentity(String workerId, String host, int dataPort, Map<String, String> capabilities) {

    public WorkerIdentity {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(host, "host");
        capabilities = Map.copyOf(capabilities);
        if (dataPort < 1 || dataPort > 65535) {
            throw new IllegalArgumentException("data port must be in 1..65535: dataPort=" + dataPort);
        }
    }
}
