namespace Harrier.Cases;

/// <summary>Which database server holds a case.</summary>
public enum CaseDatabaseKind
{
    /// <summary>The embedded default: <c>case.db</c> in the case folder.</summary>
    Sqlite,

    /// <summary>A team's PostgreSQL database.</summary>
    PostgreSql,
}
