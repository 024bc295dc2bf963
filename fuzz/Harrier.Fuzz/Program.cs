using Harrier.Fuzz;
using SharpFuzz;

// Harrier.Fuzz TARGET          run TARGET under AFL++ (benchmarks/fuzz.sh starts it through afl-fuzz)
// Harrier.Fuzz TARGET FILE…    run TARGET once over each FILE in-process and print what the parser made of it
// Harrier.Fuzz --list          the targets
if (args.Length == 0 || args[0] is "--list" or "--help" || !FuzzTargets.Exists(args[0]))
{
    if (args.Length > 0 && args[0] is not ("--list" or "--help"))
    {
        Console.Error.WriteLine($"Harrier.Fuzz: no target {args[0]}");
    }

    Console.Error.WriteLine("usage: Harrier.Fuzz TARGET [FILE…] | --list");
    foreach (var line in FuzzTargets.Describe())
    {
        Console.WriteLine(line);
    }

    return args.Length > 0 && args[0] is "--list" or "--help" ? 0 : 2;
}

var target = args[0];
var scratch = Directory.CreateTempSubdirectory("harrier-fuzz-").FullName;
try
{
    if (args.Length > 1)
    {
        foreach (var file in args.Skip(1))
        {
            Console.WriteLine($"{file}: {FuzzTargets.Run(target, File.ReadAllBytes(file), scratch)}");
        }

        return 0;
    }

    // Out of process: SharpFuzz runs the target in a child it restarts, so a stack overflow or a hang is reported as a
    // crash or timeout of that input instead of killing the fork server.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        FuzzTargets.Run(target, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), scratch);
    });
    return 0;
}
finally
{
    Directory.Delete(scratch, recursive: true);
}
