package io.ringclip.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ringclip bench …}: benchmarks; each kind is a subcommand registered below. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks: collectives (allreduce, reducescatter, allgather), GEMM, training step.",
        subcommands = {
                BenchCollectiveCommand.AllReduce.class,
                BenchCollectiveCommand.ReduceScatter.class,
                BenchCollectiveCommand.AllGather.class,
                BenchGemmCommand.class,
                BenchStepCommand.class,
        })
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
