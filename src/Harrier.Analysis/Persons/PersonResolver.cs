namespace Harrier.Analysis.Persons;

/// <summary>Accounts → persons: the engine's entry point (docs/persons.md).</summary>
public static class PersonResolver
{
    /// <summary>Resolves <paramref name="input"/> into persons. Deterministic: the same input gives the same persons, numbers and links.</summary>
    public static ResolutionResult Resolve(ResolutionInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        cancellationToken.ThrowIfCancellationRequested();
        throw new NotImplementedException("the resolver lands in the next commit (issue 15, deliverable 3)");
    }
}
