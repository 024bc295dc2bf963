using Harrier.PdqBench;

// harrier PDQ benchmarks: `speed NAME=FOLDER...` and `robustness ...`; see benchmarks/pdq-*.sh.
return args.Length > 0 && args[0] == "speed" ? SpeedBenchmark.Run(args[1..])
    : args.Length > 0 && args[0] == "robustness" ? RobustnessBenchmark.Run(args[1..])
    : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: Harrier.PdqBench speed [--rounds N] NAME=FOLDER...\n       Harrier.PdqBench robustness [options] FOLDER...");
    return 2;
}
