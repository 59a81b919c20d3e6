package io.ringclip.it.cluster;

/**
 * Why the training-cluster tests are disabled for now: they need {@code ringclip worker} (a worker
 * process that joins the coordinator, trains in the ring and re-forms it on a new generation),
 * which is not in the CLI yet. They are kept compiling, and reported as skipped, not passed;
 * enable them by removing {@code @Disabled(WaitingForWorker.REASON)} once the command exists and
 * {@link ClusterCommands#worker} matches its flags.
 */
public final class WaitingForWorker {

    public static final String REASON = "needs the `ringclip worker` command, not in the CLI yet";

    private WaitingForWorker() {}
}
