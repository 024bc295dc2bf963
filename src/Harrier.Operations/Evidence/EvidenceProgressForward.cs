using Harrier.Cases;

namespace Harrier.Operations.Evidence;

/// <summary>Passes the registry's progress on as the operations' progress type.</summary>
internal sealed class EvidenceProgressForward(IProgress<OperationProgress> inner) : IProgress<EvidenceProgress>
{
    public void Report(EvidenceProgress value) => inner.Report(new OperationProgress(value.Stage, value.Done, value.Total, value.Bytes));
}
