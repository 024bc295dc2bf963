using Harrier.PdqBench;

// harrier PDQ benchmarks: `speed NAME=FOLDER...`, `robustness ...` and `hypotheses ...`; see benchmarks/pdq-*.sh.
return args.Length > 0 && args[0] == "speed" ? SpeedBenchmark.Run(args[1..])
    : args.Length > 0 && args[0] == "robustness" ? RobustnessBenchmark.Run(args[1..])
    : args.Length > 0 && args[0] == "hypotheses" ? HypothesesBenchmark.Run(args[1..])
    : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: Harrier.PdqBench speed [--rounds N] NAME=FOLDER...\n       Harrier.PdqBench robustness [options] FOLDER...\n       Harrier.PdqBench hypotheses [--distractors DIR] [--offcentre-radius R] [--derotated-radius R] [--inset-radius R] [--inset] [--inset-rows-only] [--crop-rows-only] [--masked] [--no-recall] FOLDER...");
    return 2;
}
