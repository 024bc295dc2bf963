namespace Harrier.Operations;

/// <summary>One progress report of a long operation: a stage name, work done and total (0 when unknown), bytes when counted.</summary>
/// <param name="Stage">What is being done, e.g. <c>hash</c> or <c>read</c>.</param>
/// <param name="Done">Items done in this stage.</param>
/// <param name="Total">Items in this stage; 0 when not known.</param>
/// <param name="Bytes">Bytes processed so far, when the stage counts them.</param>
public readonly record struct OperationProgress(string Stage, long Done, long Total, long Bytes = 0);
