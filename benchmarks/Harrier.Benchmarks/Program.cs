using BenchmarkDotNet.Running;

// `chain-generate` writes a synthetic chain's block files (benchmarks/chain-mainnet.sh), `index-macro` runs the index macro benchmark (benchmarks/index-bench.sh), `index-open` a saved index in a fresh process,
// `index-parts` the planner check per part count, `index-residence` a saved index mapped beside the one built in memory (docs/hamming-index.md); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "chain-generate")
{
    return Harrier.Benchmarks.Chain.SyntheticChain.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "index-parts")
{
    return Harrier.Benchmarks.Index.PartsFit.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "index-residence")
{
    return Harrier.Benchmarks.Index.ResidenceCheck.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "index-open")
{
    return Harrier.Benchmarks.Index.IndexMacroBenchmark.Open(args[1..]);
}

if (args.Length > 0 && args[0] == "index-macro")
{
    return Harrier.Benchmarks.Index.IndexMacroBenchmark.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Harrier.Benchmarks.Index.ScanKernelBenchmarks).Assembly).Run(args);
return 0;
