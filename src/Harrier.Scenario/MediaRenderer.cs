using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Harrier.Scenario;

/// <summary>
/// Renders the world's media with ffmpeg (a child process per file): slideshows of the benign photos with a slow
/// pan, life/cellauto patterns with per-item seeds and rules, renditions with different sizes, encoders and
/// quality, transformed re-uploads and compilations, and still images with the PDQ robustness transforms.
/// Bit-exact flags and one encoder thread keep the bytes the same from run to run.
/// </summary>
internal sealed class MediaRenderer(string outDir, int fps = 12)
{
    private static readonly string[] BitExact = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1", "-threads", "1"];

    /// <summary>The input arguments and the filter that produce item <paramref name="item"/> as [v] at 320×180.</summary>
    private static (List<string> Inputs, string Filter) Source(ContentItem item, int seconds, int fps, int inputOffset)
    {
        var inv = CultureInfo.InvariantCulture;
        if (item.Source == "slideshow")
        {
            var inputs = new List<string>();
            var sb = new StringBuilder();
            var per = seconds / (double)item.Photos.Count;
            for (var i = 0; i < item.Photos.Count; i++)
            {
                inputs.AddRange(["-loop", "1", "-framerate", fps.ToString(inv), "-t", per.ToString("F3", inv), "-i", item.Photos[i]]);
                sb.Append(inv, $"[{inputOffset + i}:v]scale=400:225:force_original_aspect_ratio=increase,crop=400:225,crop=320:180:x='t*{20 + item.Id % 40}':y='t*{5 + item.Id % 20}',format=yuv420p,setsar=1[p{inputOffset + i}];");
            }

            for (var i = 0; i < item.Photos.Count; i++)
            {
                sb.Append(inv, $"[p{inputOffset + i}]");
            }

            sb.Append(inv, $"concat=n={item.Photos.Count}:v=1:a=0[s{item.Id}]");
            return (inputs, sb.ToString());
        }

        // Automata run on a 32×18 grid shown with 10-pixel cells and blurred: 2-D shapes at a scale PDQ resolves. Finer
        // grids (64×36 with 5-pixel cells) put the cells at the hash's own sampling limit, and rules of Wolfram's
        // classes 1–2 scroll into vertical stripes with no vertical detail: in both cases half the hash bits are noise
        // and even two renditions of one upload hashed ~120 bits apart. Only rules that stay 2-D are drawn.
        var source = item.Pattern == "life"
            ? $"life=size=32x18:rate={fps}:seed={item.Id * 7919}:ratio=0.{20 + item.Id % 30}:mold={item.Id % 50}:life_color=#{item.Id * 2654435761 % 0xFFFFFF:x6}:death_color=#{item.Id * 40503 % 0xFFFFFF:x6}"
            : $"cellauto=size=32x18:rate={fps}:seed={item.Id * 7919}:rule={CellRules[item.Id % CellRules.Length]}:scroll=1";
        return (["-f", "lavfi", "-t", seconds.ToString(inv), "-i", source],
            $"[{inputOffset}:v]scale=320:180:flags=neighbor,gblur=sigma=4,format=yuv420p,hue=h={item.Id * 37 % 360}[s{item.Id}]");
    }

    /// <summary>Elementary cellular-automaton rules whose scrolling space-time diagram stays two-dimensional (classes 3–4).</summary>
    private static readonly int[] CellRules = [30, 45, 105, 110, 124, 137, 150, 169, 193, 225];

    private static string VariantFilter(string variant) => variant switch
    {
        "trim" => "trim=start=0.5,setpts=PTS-STARTPTS",
        "crop" => "crop=iw*0.85:ih*0.85",
        "logo" => "drawbox=x=iw-60:y=10:w=50:h=20:color=white@0.8:t=fill",
        "letterbox" => "scale=320:140,pad=320:180:0:20:black",
        "fps" => "fps=8",
        _ => "null",
    };

    /// <summary>Renders one rendition of an upload to its path under the output folder.</summary>
    public async Task RenderAsync(Upload upload, Rendition rendition, IReadOnlyDictionary<int, ContentItem> items, int seconds, CancellationToken ct)
    {
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-nostdin", "-y" };
        var filter = new StringBuilder();
        if (upload.Variant == "compilation")
        {
            var offset = 0;
            foreach (var id in upload.CompilationItemIds)
            {
                var (inputs, f) = Source(items[id], Math.Max(1, seconds / 2), fps, offset);
                args.AddRange(inputs);
                filter.Append(f).Append(';');
                offset += inputs.Count(a => a == "-i");
            }

            foreach (var id in upload.CompilationItemIds)
            {
                filter.Append(CultureInfo.InvariantCulture, $"[s{id}]");
            }

            filter.Append(CultureInfo.InvariantCulture, $"concat=n={upload.CompilationItemIds.Count}:v=1:a=0[m];[m]");
        }
        else
        {
            var (inputs, f) = Source(items[upload.ItemId], seconds, fps, 0);
            args.AddRange(inputs);
            filter.Append(f).Append(CultureInfo.InvariantCulture, $";[s{upload.ItemId}]{VariantFilter(upload.Variant)},");
        }

        if (upload.Variant == "compilation")
        {
            filter.Append("null,");
        }

        filter.Append(CultureInfo.InvariantCulture, $"scale=-2:{rendition.Height}:flags=bicubic,format=yuv420p[out]");
        args.AddRange(["-filter_complex", filter.ToString(), "-map", "[out]"]);
        args.AddRange(rendition.Quality switch
        {
            "low" => ["-c:v", "mpeg4", "-q:v", "9"],
            "medium" => ["-c:v", "libx264", "-preset", "veryfast", "-crf", "30"],
            _ => ["-c:v", "libx264", "-preset", "medium", "-crf", "23"],
        });
        args.AddRange(BitExact);
        var path = Path.Combine(outDir, rendition.RelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        args.Add(path);
        await RunAsync(args, ct);
    }

    /// <summary>A still: the first photo of the item with a robustness transform.</summary>
    public async Task RenderStillAsync(StillImage still, ContentItem item, CancellationToken ct)
    {
        var vf = still.Transform switch
        {
            "jpeg50" => "scale=640:-2",
            "resize50" => "scale=320:-2",
            "crop10" => "scale=640:-2,crop=iw*0.8:ih*0.8",
            "flip" => "scale=640:-2,hflip",
            "border" => "scale=600:-2,pad=iw+40:ih+40:20:20:black",
            _ => "scale=640:-2",
        };
        var path = Path.Combine(outDir, still.RelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await RunAsync(["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", item.Photos[0], "-vf", vf,
            "-q:v", still.Transform == "jpeg50" ? "12" : "3", "-frames:v", "1", .. BitExact, path], ct);
    }

    /// <summary>The reference copy an earlier case holds of a still: the untransformed photo at 640 px.</summary>
    public static async Task RenderReferenceStillAsync(ContentItem item, string path, CancellationToken ct) =>
        await RunAsync(["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-i", item.Photos[0], "-vf", "scale=640:-2",
            "-q:v", "3", "-frames:v", "1", .. BitExact, path], ct);

    private static async Task RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ffmpeg");
        var err = p.StandardError.ReadToEndAsync(ct);
        _ = p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg failed ({p.ExitCode}) making {args[^1]}: {(await err).Trim()}");
        }
    }
}
