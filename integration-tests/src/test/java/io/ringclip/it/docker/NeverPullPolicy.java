package io.ringclip.it.docker;

import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers' image pull policy for these tests (named in {@code testcontainers.properties}):
 * never pull. Every image the tests use is built on this machine, and no registry is reachable,
 * so a pull could only hang or fail late.
 */
public final class NeverPullPolicy implements ImagePullPolicy {

    @Override
    public boolean shouldPull(DockerImageName imageName) {
        return false;
    }
}
