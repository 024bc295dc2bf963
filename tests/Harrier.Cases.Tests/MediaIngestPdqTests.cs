using System.Diagnostics;
using Harrier.Cases.Triage;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Testing;

namespace Harrier.Cases.Tests;

/// <summary>Ingest keeps an image's plain PDQ hashes (what a bank's PDQ list holds) and adds border-trimmed ones only for a framed image.</summary>
public sealed class MediaIngestPdqTests
{
    private static readonly string Daisy = TestPaths.InShared("datasets", "photos", "flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg");

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_framed_image_keeps_its_plain_hashes_and_gains_the_trimmed_ones_a_plain_image_gains_none(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        t.WriteEvidence("plain.jpg", File.ReadAllBytes(Daisy));
        var framed = Path.Combine(t.EvidenceDir, "framed.jpg");
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", Daisy, "-vf", "pad=iw+60:ih+60:30:30:black", "-q:v", "2", framed })
        {
            psi.ArgumentList.Add(a);
        }

        using (var p = Process.Start(psi)!)
        {
            var err = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, err);
        }

        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        await new MediaIngest(store) { Thumbnails = null }.RunAsync("EX-1", "tester", null, null, CancellationToken.None);
        var ids = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        var facts = await new MediaIngest(store).LoadAsync(CancellationToken.None);

        using var daisy = ImageDecoder.Decode(Daisy);
        var reference = PdqImageHasher.Hash(daisy).Hash;
        var plain = facts[ids["plain.jpg"]];
        Assert.Equal(reference, plain.Pdq!.Value.Original); // the reference-compatible hash, untrimmed
        Assert.Null(plain.PdqTrimmed);

        var frame = facts[ids["framed.jpg"]];
        Assert.NotNull(frame.PdqTrimmed);
        var plainDistance = frame.Pdq!.Value.Original.DistanceTo(reference);
        var trimmedDistance = frame.PdqTrimmed.Value.Original.DistanceTo(reference);
        Assert.True(trimmedDistance <= 31 && plainDistance > trimmedDistance, $"framed: plain {plainDistance} bits, trimmed {trimmedDistance} bits from the photo");
    }
}
