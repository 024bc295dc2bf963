namespace Harrier.Media.Imaging;

/// <summary>Expands files and folders (recursively, in ordinal path order) into image candidates.</summary>
public static class ImageFileFinder
{
    /// <summary>
    /// Each input that is a file is yielded as explicit; each folder is walked recursively (files sorted ordinally
    /// per folder, then subfolders). A path that does not exist, or a folder that cannot be listed, is yielded with a
    /// <see cref="ImageCandidate.Problem"/>. Symbolic links to folders are not followed.
    /// </summary>
    public static IEnumerable<ImageCandidate> Expand(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var input in inputs)
        {
            if (File.Exists(input))
            {
                yield return new ImageCandidate(input, Explicit: true);
            }
            else if (Directory.Exists(input))
            {
                foreach (var c in Walk(input))
                {
                    yield return c;
                }
            }
            else
            {
                yield return new ImageCandidate(input, Explicit: true, Problem: "no such file or folder");
            }
        }
    }

    private static IEnumerable<ImageCandidate> Walk(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            string[] files;
            string[] subdirs;
            string? problem = null;
            try
            {
                files = Directory.GetFiles(dir);
                subdirs = Directory.GetDirectories(dir)
                    .Where(d => (File.GetAttributes(d) & FileAttributes.ReparsePoint) == 0)
                    .ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                files = [];
                subdirs = [];
                problem = "cannot list folder: " + e.Message;
            }

            if (problem is not null)
            {
                yield return new ImageCandidate(dir, Explicit: true, Problem: problem);
            }

            Array.Sort(files, StringComparer.Ordinal);
            foreach (var f in files)
            {
                yield return new ImageCandidate(f, Explicit: false);
            }

            Array.Sort(subdirs, StringComparer.Ordinal);
            for (var i = subdirs.Length - 1; i >= 0; i--)
            {
                pending.Push(subdirs[i]);
            }
        }
    }
}
