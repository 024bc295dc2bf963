using Harrier.Cases;
using Harrier.Cases.Tests;
using Harrier.Cases.Triage;
using Harrier.Testing;

namespace Harrier.Operations.Tests;

/// <summary>
/// Ingest hashes the bytes that were registered (issue 20.4): a file replaced after registration is refused with both
/// digests instead of storing another picture's features under its record, and a failed file is tried again (and listed
/// again) by every later ingest until it succeeds.
/// </summary>
public sealed class IngestRegisteredBytesTests
{
    private static readonly byte[] Daisy = File.ReadAllBytes(TestPaths.Photos("flowers-ccby", "daisy", "100080576_f52e8ee070_n.jpg"));
    private static readonly byte[] Other = File.ReadAllBytes(TestPaths.Photos("flowers-ccby", "daisy", "102841525_bd6628ae3c.jpg"));

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_file_replaced_after_registration_is_refused_naming_both_digests_and_ingested_once_its_bytes_are_back(string backend)
    {
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        t.WriteEvidence("daisy.jpg", Daisy);
        t.WriteEvidence("other.jpg", Other);
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var daisy = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).Single(f => f.RelPath == "daisy.jpg");

        // Another picture under the registered name (a swapped exhibit, a restore from the wrong copy).
        File.WriteAllBytes(Path.Combine(t.EvidenceDir, "daisy.jpg"), Other);
        var swapped = await Ingest.RunAsync(store);
        var problem = Assert.Single(swapped.Unreadable);
        Assert.Equal("daisy.jpg", problem.RelPath);
        Assert.Contains($"registered as {daisy.Sha256}", problem.Reason, StringComparison.Ordinal);
        Assert.Contains("SHA-256 is now " + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Other)), problem.Reason, StringComparison.Ordinal);
        var facts = new MediaFactsStore(store);
        var refused = (await facts.LoadAsync(daisy.Id, CancellationToken.None))!;
        Assert.NotNull(refused.Error);
        Assert.Null(refused.Pdq); // no features of the other picture under this record

        // Still wrong: tried again and listed again.
        var again = await Ingest.RunAsync(store);
        Assert.Equal("daisy.jpg", Assert.Single(again.Unreadable).RelPath);
        Assert.Equal((1, 1), (again.Ingested, again.AlreadyIngested));

        // The registered bytes are back: the next ingest takes them, once.
        File.WriteAllBytes(Path.Combine(t.EvidenceDir, "daisy.jpg"), Daisy);
        var restored = await Ingest.RunAsync(store);
        Assert.Empty(restored.Unreadable);
        Assert.Equal((1, 1), (restored.Ingested, restored.AlreadyIngested));
        var ingested = (await facts.LoadAsync(daisy.Id, CancellationToken.None))!;
        Assert.Null(ingested.Error);
        Assert.NotNull(ingested.Pdq);
        var other = (await facts.LoadAsync((await store.Evidence.ListAsync("EX-1", CancellationToken.None)).Single(f => f.RelPath == "other.jpg").Id, CancellationToken.None))!;
        Assert.NotEqual(other.Pdq, ingested.Pdq);

        var last = await Ingest.RunAsync(store);
        Assert.Equal((0, 2), (last.Ingested, last.AlreadyIngested));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Pictures_whose_names_are_not_utf8_are_ingested_from_their_own_bytes(string backend)
    {
        // Issue 20.2: a name that is not UTF-8 has no .NET path that opens it, so ingest must open it by its bytes and decode
        // that very file. Two names that differ in one such byte hold two different pictures; a third copy has a plain name.
        await using var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        byte[] daisyFF = [.. "daisy"u8, 0xFF, .. ".jpg"u8];
        byte[] daisyFE = [.. "daisy"u8, 0xFE, .. ".jpg"u8];
        byte[] swapped = [.. "swap"u8, 0xFF, .. ".jpg"u8];
        RawNames.Write(t.EvidenceDir, daisyFF, Daisy);
        RawNames.Write(t.EvidenceDir, daisyFE, Other);
        RawNames.Write(t.EvidenceDir, swapped, Daisy);
        t.WriteEvidence("plain.jpg", Daisy);
        // A video too: ffmpeg, a child process, must open the same file.
        var clip = Path.Combine(t.Root, "clip.mp4");
        FfmpegTool.Run("-f lavfi -i testsrc=duration=2:size=96x96:rate=5 -pix_fmt yuv420p", clip);
        RawNames.Write(t.EvidenceDir, [.. "clip"u8, 0xE9, .. ".mp4"u8], File.ReadAllBytes(clip));
        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var files = await store.Evidence.ListAsync("EX-1", CancellationToken.None);
        Assert.All(files, f => Assert.Equal(EvidenceStatus.Ok, f.Status));
        RawNames.Write(t.EvidenceDir, swapped, Other); // its bytes change after registration

        var result = await Ingest.RunAsync(store);

        // The changed one is refused by its shown name; the others are decoded from their own bytes.
        Assert.True(result.Unreadable.Count == 1, string.Join(" | ", result.Unreadable));
        var problem = Assert.Single(result.Unreadable);
        Assert.Equal(@"swap\xFF.jpg", problem.RelPath);
        Assert.Contains("registered as " + files.Single(f => f.RelPath == @"swap\xFF.jpg").Sha256, problem.Reason, StringComparison.Ordinal);
        var facts = new MediaFactsStore(store);
        var ff = (await facts.LoadAsync(files.Single(f => f.RelPath == @"daisy\xFF.jpg").Id, CancellationToken.None))!;
        var fe = (await facts.LoadAsync(files.Single(f => f.RelPath == @"daisy\xFE.jpg").Id, CancellationToken.None))!;
        var plain = (await facts.LoadAsync(files.Single(f => f.RelPath == "plain.jpg").Id, CancellationToken.None))!;
        Assert.Null(ff.Error);
        Assert.Null(fe.Error);
        Assert.NotNull(ff.Pdq);
        Assert.Equal(plain.Pdq, ff.Pdq);
        Assert.NotEqual(ff.Pdq, fe.Pdq);
        var video = (await facts.LoadAsync(files.Single(f => f.RelPath == @"clip\xE9.mp4").Id, CancellationToken.None))!;
        Assert.Null(video.Error);
        Assert.Equal(Harrier.Media.Features.MediaKinds.Video, video.Kind);
        Assert.NotNull(video.Vpdq);
    }
}
