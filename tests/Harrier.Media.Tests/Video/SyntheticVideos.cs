using Harrier.Testing;

namespace Harrier.Media.Tests.Video;

/// <summary>Short synthetic clips made once per test class with ffmpeg's lavfi sources (no real media).</summary>
public sealed class SyntheticVideos : IDisposable
{
    public SyntheticVideos()
    {
        Dir = Directory.CreateTempSubdirectory("harrier-video-").FullName;
        // 1 s at 10 fps then 1 s at 30 fps, variable frame rate: 40 decoder frames.
        Vfr = Make("vfr.mkv",
            "-f lavfi -i testsrc2=size=96x64:rate=10:duration=1 -f lavfi -i testsrc2=size=96x64:rate=30:duration=1 " +
            "-filter_complex [0][1]concat=n=2 -vsync vfr -c:v libx264 -preset ultrafast -pix_fmt yuv420p");
        // 29.97 fps, 3 s: frameMod at 1 s/hash is (int)29.97 = 29.
        Ntsc = Make("ntsc.mp4", "-f lavfi -i testsrc2=size=128x96:rate=30000/1001:duration=3 -c:v libx264 -preset ultrafast -pix_fmt yuv420p");
        // Odd frame size with 4:2:0 chroma (ffv1 allows it; testsrc2 and x264 would round to even).
        Odd = Make("odd.mkv", "-f lavfi -i testsrc=size=33x17:rate=25:duration=1 -c:v ffv1 -pix_fmt yuv420p");
        Plain = Make("plain.mp4", "-f lavfi -i testsrc2=size=64x48:rate=25:duration=1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p");
        Rotated = Make("rotated.mp4", $"-i {Plain} -c copy -metadata:s:v:0 rotate=90");
        AudioOnly = Make("audio.m4a", "-f lavfi -i sine=frequency=440:duration=1 -c:a aac");
        var moovFirst = Make("moov-first.mp4", "-f lavfi -i testsrc2=size=320x240:rate=25:duration=4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -movflags +faststart");
        var moovLast = Make("moov-last.mp4", "-f lavfi -i testsrc2=size=320x240:rate=25:duration=4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p");
        TruncatedPlayable = CutTo(moovFirst, "truncated-moov-first.mp4", 0.5);
        TruncatedNoIndex = CutTo(moovLast, "truncated-moov-last.mp4", 0.5);
        Empty = Path.Combine(Dir, "empty.mp4");
        File.WriteAllBytes(Empty, []);
        Garbage = Path.Combine(Dir, "garbage.mp4");
        var bytes = new byte[64 * 1024];
        new Random(11).NextBytes(bytes);
        File.WriteAllBytes(Garbage, bytes);
    }

    public string Dir { get; }

    public string Vfr { get; }

    public string Ntsc { get; }

    public string Odd { get; }

    public string Plain { get; }

    public string Rotated { get; }

    public string AudioOnly { get; }

    public string TruncatedPlayable { get; }

    public string TruncatedNoIndex { get; }

    public string Empty { get; }

    public string Garbage { get; }

    /// <summary>Runs ffmpeg to write <paramref name="name"/> in the temp folder (arguments split on spaces).</summary>
    public string Make(string name, string arguments)
    {
        var path = Path.Combine(Dir, name);
        FfmpegTool.Run(arguments, path);
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    private string CutTo(string source, string name, double fraction)
    {
        var bytes = File.ReadAllBytes(source);
        var path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * fraction)]);
        return path;
    }
}
