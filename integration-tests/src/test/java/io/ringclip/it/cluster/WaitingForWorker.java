package io.ringclip.it.cluster;

/**
 * Why the training-cluster tests are disabled for now: they need {@code ringclip worker} (a worker
 * process that joins the coordinator, trains in the ring and re-forms it on a new generation),
 * which is not in the CLI on main yet. They are kept compiling, and reported as skipped, not
 * passed; enable them by removing {@code @Disabled(WaitingForWorker.REASON)} once the command exists
 * and {@link ClusterCommands#worker} matches its flags.
 *
 * <p>Tried against the in-progress worker (trainer-core worktree, 19:40 UTC): training to the end
 * with falling loss passed, and so did killing the worker that held rank 0 (survivors exit, Docker
 * restarts them, they re-join at world size 2 and resume from the shared checkpoint). Killing
 * another rank failed the job: rank 0 reports its PEER_LOST CollectiveException to the coordinator
 * as the job's result instead of exiting to be restarted.
 */
public final class WaitingForWorker {

    public static final String REASON = "needs the `ringclip worker` command, not in the CLI yet";

    private WaitingForWorker() {}
}
