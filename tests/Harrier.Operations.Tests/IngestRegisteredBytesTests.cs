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
}
