using System.CommandLine;

namespace Harrier.Cli;

/// <summary>How long-running work reports progress.</summary>
internal enum ProgressMode
{
    /// <summary>A Spectre progress bar when stderr is a terminal, nothing otherwise.</summary>
    Auto,

    /// <summary>No progress output.</summary>
    None,

    /// <summary>Machine-readable lines on stderr (<c>progress STAGE DONE TOTAL</c>), for scripts and tests.</summary>
    Lines,
}

/// <summary>The options every command accepts (recursive from the root).</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Case { get; } = new("--case")
    {
        Description = "The case folder to act on (default: the current directory).",
        Recursive = true,
    };

    public Option<string?> Db { get; } = new("--db")
    {
        Description = "Case database: a PostgreSQL connection string (\"Host=…;Database=…\") instead of the folder's SQLite case.db.",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write one JSON document to stdout instead of text.",
        Recursive = true,
    };

    public Option<string?> Actor { get; } = new("--actor")
    {
        Description = "Who is acting, for the audit log (default: $HARRIER_ACTOR, else the OS user).",
        Recursive = true,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "The case key file (default: $HARRIER_KEYS/<case id>.key, else $XDG_DATA_HOME/harrier/keys/…, else ~/.local/share/harrier/keys/…); never inside the case folder.",
        Recursive = true,
    };

    public Option<ProgressMode> Progress { get; } = new("--progress")
    {
        Description = "Progress output: auto (bar on a terminal), none, or lines (machine-readable on stderr).",
        DefaultValueFactory = _ => ProgressMode.Auto,
        Recursive = true,
    };

    public Option<int> Wait { get; } = new("--wait")
    {
        Description = "When another process is writing the case, wait up to SECONDS for it to finish (commands that write; default 0: refuse at once, exit 2).",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => 0,
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Case);
        root.Add(Db);
        root.Add(Json);
        root.Add(Actor);
        root.Add(Key);
        root.Add(Progress);
        root.Add(Wait);
    }
}
