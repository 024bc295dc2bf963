namespace Harrier.Testing;

/// <summary>
/// The real PostgreSQL server the tests use: ./test.sh installs PostgreSQL 15, starts a throw-away server on loopback
/// and exports its admin connection string as HARRIER_TEST_PG. The PostgreSQL cases are always listed; without a server
/// they fail, saying what to run, rather than disappearing from the count (a plain <c>dotnet test</c> reports the same
/// cases as ./test.sh).
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "HARRIER_TEST_PG";

    /// <summary>The admin connection string of the test server.</summary>
    public static string AdminConnection =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } cs
            ? cs
            : throw new InvalidOperationException(
                $"{Variable} is not set: this case needs a real PostgreSQL server. Run ./test.sh (it installs PostgreSQL 15 and starts a " +
                $"throw-away server on loopback), or set {Variable} to an admin connection string (Host=…;Username=postgres;Database=postgres).");
}
