namespace Harrier.Cases.Keys;

/// <summary>
/// Where case keys live, always outside the case folder: a per-user store (<c>$HARRIER_KEYS</c>, else
/// <c>$XDG_DATA_HOME/harrier/keys</c>, else <c>~/.local/share/harrier/keys</c>) holding one file per case,
/// <c>{caseId}.key</c>, or one file given by path (<c>harrier --key FILE</c>). A key file is created with mode 0600, a
/// store folder Harrier creates with mode 0700. The file is text: one header line,
/// <c>harrier-case-key/1 ed25519 case={caseId} fingerprint={fingerprint}</c>, then the private key as PKCS#8 PEM
/// (RFC 8410; <c>openssl pkey -in FILE -pubout</c> reads it).
/// </summary>
public sealed class CaseKeyStore
{
    /// <summary>The environment variable naming the key store folder.</summary>
    public const string EnvironmentVariable = "HARRIER_KEYS";

    /// <summary>The key file's first word.</summary>
    public const string HeaderFormat = "harrier-case-key/1";

    private readonly string? _directory;
    private readonly string? _file;
    private readonly string _origin;

    private CaseKeyStore(string? directory, string? file, string origin)
    {
        _directory = directory is null ? null : Path.GetFullPath(directory);
        _file = file is null ? null : Path.GetFullPath(file);
        _origin = origin;
    }

    /// <summary>The per-user store: <c>$HARRIER_KEYS</c>, else <c>$XDG_DATA_HOME/harrier/keys</c>, else <c>~/.local/share/harrier/keys</c>.</summary>
    public static CaseKeyStore FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } keys)
        {
            return new CaseKeyStore(keys, null, "$" + EnvironmentVariable);
        }

        if (Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } data)
        {
            return new CaseKeyStore(Path.Combine(data, "harrier", "keys"), null, "$XDG_DATA_HOME/harrier/keys");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetEnvironmentVariable("HOME") ?? ".";
        }

        return new CaseKeyStore(Path.Combine(home, ".local", "share", "harrier", "keys"), null, "~/.local/share/harrier/keys");
    }

    /// <summary>A store folder holding <c>{caseId}.key</c> files.</summary>
    public static CaseKeyStore AtDirectory(string directory) => new(directory, null, "the key store folder given");

    /// <summary>One key file (<c>--key FILE</c>), whatever the case id.</summary>
    public static CaseKeyStore AtFile(string file) => new(null, file, "--key");

    /// <summary>The key file for <paramref name="caseId"/>.</summary>
    public string PathFor(string caseId) => _file ?? Path.Combine(_directory!, caseId + ".key");

    /// <summary>Where the key for <paramref name="caseId"/> is looked for, in words (for error messages).</summary>
    public string Describe(string caseId) => $"{PathFor(caseId)} (from {_origin})";

    /// <summary>
    /// Creates a new key for <paramref name="caseId"/>: refused when the file exists or lies inside
    /// <paramref name="caseDir"/> (a key beside the log it signs protects nothing).
    /// </summary>
    public CaseKey Create(string caseId, string caseDir)
    {
        var path = PathFor(caseId);
        var full = Path.GetFullPath(caseDir).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (path.StartsWith(full, StringComparison.Ordinal))
        {
            throw new CaseStoreException($"the case key must live outside the case folder, not at {path}");
        }

        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var key = CaseKey.Generate();
        try
        {
            var text = $"{HeaderFormat} ed25519 case={caseId} fingerprint={key.Fingerprint}\n{key.ExportPkcs8Pem()}";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
            }

            return key;
        }
        catch (IOException e)
        {
            key.Dispose();
            throw new CaseStoreException($"cannot create the case key {Describe(caseId)}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            key.Dispose();
            throw new CaseStoreException($"cannot create the case key {Describe(caseId)}: {e.Message}", e);
        }
    }

    /// <summary>The key for <paramref name="caseId"/>, or null when its file does not exist; throws when the file is not a key for that case.</summary>
    public CaseKey? TryLoad(string caseId)
    {
        var path = PathFor(caseId);
        if (!File.Exists(path))
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaseStoreException($"cannot read the case key {Describe(caseId)}: {e.Message}", e);
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var header = newline < 0 ? text : text[..newline];
        var words = header.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is not [HeaderFormat, "ed25519", ..])
        {
            throw new CaseStoreException($"{path} is not a Harrier case key (its first line must start with '{HeaderFormat} ed25519')");
        }

        var forCase = words.FirstOrDefault(w => w.StartsWith("case=", StringComparison.Ordinal))?["case=".Length..];
        if (!string.Equals(forCase, caseId, StringComparison.Ordinal))
        {
            throw new CaseStoreException($"{path} is the key of case {forCase ?? "(none)"}, not of case {caseId}");
        }

        try
        {
            return CaseKey.ImportPkcs8Pem(text[(newline + 1)..]);
        }
        catch (FormatException e)
        {
            throw new CaseStoreException($"{path}: {e.Message}", e);
        }
    }
}
