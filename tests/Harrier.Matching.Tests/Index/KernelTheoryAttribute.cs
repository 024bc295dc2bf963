using Harrier.Matching.Index;

namespace Harrier.Matching.Tests.Index;

/// <summary>
/// A theory about one scan kernel. Where the CPU cannot run it (or hardware intrinsics are off, as in ./test.sh's
/// scalar rerun) the cases are reported as skipped with the reason, instead of silently testing the scalar kernel under
/// the kernel's name.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute(KernelKind kernel)
    {
        Kernel = kernel;
        if (!ScanKernel.IsSupported(kernel))
        {
            Skip = $"not applicable here: the {kernel} kernel cannot run on this CPU or with hardware intrinsics off";
        }
    }

    public KernelKind Kernel { get; }
}
