using System.Security.Cryptography;
using Harrier.Cases.Tests;
using Harrier.Cases.Triage;
using Harrier.Media.Features;
using Harrier.Media.Pdq;
using Harrier.Operations.Ingest;

namespace Harrier.Operations.Tests;

/// <summary>
/// The features the media engine computes now are stored exactly as ingest stored them before they moved into
/// Harrier.Media (the committed rows of 76d6339): every hash bit for bit, every thumbnail byte for byte.
/// </summary>
public sealed class IngestFeaturesFixtureTests
{
    private static async Task<(TestCase Case, Harrier.Cases.CaseStore Store, Dictionary<string, long> Ids)> CaseWithFixtureFilesAsync(string backend)
    {
        var t = await TestCase.CreateAsync(backend);
        var store = await t.InitAsync();
        foreach (var file in Directory.GetFiles(Path.Combine(MediaFactsFixture.Folder, "files")))
        {
            File.Copy(file, Path.Combine(t.EvidenceDir, Path.GetFileName(file)));
        }

        await store.Evidence.AddAsync(t.EvidenceDir, "EX-1", null, "tester", null, null, CancellationToken.None);
        var ids = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).ToDictionary(f => f.RelPath, f => f.Id);
        return (t, store, ids);
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task An_image_a_framed_image_and_a_video_store_what_the_old_ingest_stored(string backend)
    {
        var (t, store, ids) = await CaseWithFixtureFilesAsync(backend);
        await using var _ = t;
        var result = await Ingest.RunAsync(store);
        Assert.Equal(5, result.Ingested);

        var rows = await new MediaFactsStore(store).LoadRowsAsync(CancellationToken.None);
        var expected = MediaFactsFixture.Load(t.EvidenceDir, ids);
        foreach (var (name, (row, sha)) in expected)
        {
            // Since issue 21.6 ingest leaves an image's hypotheses (the reframed column) to triage: everything else as before.
            var actual = WithoutDihedral(rows[ids[name]]);
            var old = row.Kind == MediaKinds.Image ? row with { Reframed = null } : row;
            Assert.True(old == actual, $"{name}: stored {actual}, expected {old}");
            if (sha is not null)
            {
                Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(t.CaseDir, actual.Derived!)))));
            }
        }

        // Triage's hypotheses step, run here for every image, stores the centre crops the fixture's version stored at
        // ingest, bit for bit, followed by the sections added since.
        var files = (await store.Evidence.ListAsync("EX-1", CancellationToken.None)).Where(f => rows[f.Id].Kind == MediaKinds.Image).ToList();
        Assert.NotEmpty(files);
        var errors = await new Harrier.Operations.Triage.ComputeImageHypotheses(store, new OperationContext("tester", store.Time), null).RunAsync(files, CancellationToken.None);
        Assert.Empty(errors);
        rows = await new MediaFactsStore(store).LoadRowsAsync(CancellationToken.None);
        foreach (var (name, (row, _)) in expected.Where(e => e.Value.Row.Kind == MediaKinds.Image))
        {
            var actual = WithoutHypotheses(rows[ids[name]]);
            Assert.True(row == actual, $"{name}: stored {actual}, expected {row}");
        }
    }

    /// <summary>
    /// <paramref name="row"/> without the dihedral frame hashes ingest has added to a video's <c>vpdq</c> column since
    /// issue 21.1 (after everything the fixture's version stored, which must still come first and unchanged); the
    /// section is checked to be there, one frame a second of the 3 s clip, and to read back.
    /// </summary>
    private static MediaFactsRow WithoutDihedral(MediaFactsRow row)
    {
        if (row.Kind != MediaKinds.Video)
        {
            Assert.DoesNotContain("dihedral", row.Vpdq ?? "", StringComparison.Ordinal);
            return row;
        }

        var at = row.Vpdq!.IndexOf("\ndihedral\n", StringComparison.Ordinal);
        Assert.True(at > 0, "a video row carries its dihedral frame hashes");
        Assert.Equal([0, 12, 24], MediaFactsFormat.Read(row).VpdqDihedral!.Select(f => f.FrameNumber));
        return row with { Vpdq = row.Vpdq[..at] };
    }

    /// <summary>
    /// <paramref name="row"/> without the off-centre, de-rotation and content-inside-content hashes added to an image's
    /// <c>reframed</c> column since issues 21.2, 21.4 and 21.3 (by triage since 21.6; after the centre crops the fixture's version stored,
    /// which must still come first and unchanged); the sections are checked to be there (24 and 6 hashes, and at most
    /// three regions inside the image) and to read back.
    /// </summary>
    private static MediaFactsRow WithoutHypotheses(MediaFactsRow row)
    {
        var at = row.Reframed?.IndexOf("\noffcentre ", StringComparison.Ordinal) ?? -1;
        Assert.True(at > 0, "an image's hypotheses carry the off-centre section");

        var facts = MediaFactsFormat.Read(row);
        Assert.Equal(24, facts.PdqOffCentre.Count);
        Assert.Equal(6, facts.PdqDerotated.Count);
        // The content-inside-content section (issue 21.3), when a region was found: bounded, each region inside the image.
        Assert.InRange(facts.PdqInset.Count, 0, PdqInset.MaxRegions);
        Assert.Equal(facts.PdqInset.Count > 0, row.Reframed!.Contains("\ninset ", StringComparison.Ordinal));
        Assert.All(facts.PdqInset, r => Assert.True(r.Region.X >= 0 && r.Region.Y >= 0 && r.Region.X + r.Region.Width <= facts.Width
            && r.Region.Y + r.Region.Height <= facts.Height, $"{r.Region} outside {facts.Width}x{facts.Height}"));
        return row with { Reframed = row.Reframed![..at] };
    }

    [Fact]
    public async Task One_file_is_ingested_once_as_the_batch_would_and_audited()
    {
        var (t, store, ids) = await CaseWithFixtureFilesAsync(TestCase.Sqlite);
        await using var _ = t;
        var context = new OperationContext("tester", store.Time);
        var request = new IngestFileRequest("EX-1", ids["clip.mp4"]);
        var first = await IngestFile.RunAsync(store, context, request, CancellationToken.None);
        Assert.Equal((MediaKinds.Video, true, $"derived/strips/{ids["clip.mp4"]}.png"), (first.Kind, first.Ingested, first.Derived));
        var again = await IngestFile.RunAsync(store, context, request, CancellationToken.None);
        Assert.Equal((MediaKinds.Video, false), (again.Kind, again.Ingested));

        var row = (await new MediaFactsStore(store).LoadRowsAsync(CancellationToken.None))[ids["clip.mp4"]];
        Assert.Equal(MediaFactsFixture.Load(t.EvidenceDir, ids)["clip.mp4"].Row, WithoutDihedral(row));
        var audit = await store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.Single(audit, e => e.Action == "ingest.file");

        // The batch then ingests the other four and leaves the clip as it is.
        var batch = await Ingest.RunAsync(store);
        Assert.Equal((4, 1), (batch.Ingested, batch.AlreadyIngested));
    }

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task A_lease_of_files_is_ingested_in_one_write_with_one_audit_entry_and_a_file_that_is_not_there_fails_alone(string backend)
    {
        var (t, store, ids) = await CaseWithFixtureFilesAsync(backend);
        await using var _ = t;
        var context = new OperationContext("tester", store.Time);
        // Three files that decode (an unreadable file's row records a failure, which a later run tries again).
        var fixture = MediaFactsFixture.Load(t.EvidenceDir, ids);
        var names = ids.Keys.Where(n => fixture[n].Row.Error is null).Order(StringComparer.Ordinal).Take(3).ToList();
        Assert.Equal(3, names.Count);
        const long Missing = 987_654;
        var request = new IngestFilesRequest("EX-1", [ids[names[0]], Missing, ids[names[1]], ids[names[2]]]);
        var first = await IngestFile.RunBatchAsync(store, context, request, CancellationToken.None);

        Assert.Equal(request.EvidenceIds, first.Select(r => r.EvidenceId));
        Assert.Equal($"no readable evidence file {Missing} in exhibit EX-1", first[1].Failure);
        Assert.Null(first[1].Result);
        Assert.All(first.Where(r => r.EvidenceId != Missing), r => Assert.True(r.Result is { Ingested: true } && r.Failure is null));

        // The same rows as ingest's own batch makes, and one audit entry naming the three files it ingested.
        var rows = await new MediaFactsStore(store).LoadRowsAsync(CancellationToken.None);
        Assert.Equal(3, rows.Count);
        // (The fixture's image rows also hold the hypotheses triage adds later, issue 21.6: compared without them.)
        Assert.All(names, n => Assert.Equal(fixture[n].Row with { Reframed = null }, WithoutDihedral(rows[ids[n]]) with { Reframed = null }));
        var entry = Assert.Single(await store.Audit.ReadAsync(null, CancellationToken.None), e => e.Action == "ingest.file");
        Assert.Equal(
            "exhibit EX-1: " + string.Join(", ", new[] { 0, 2, 3 }.Select(i => $"evidence {request.EvidenceIds[i]} ingested as {first[i].Result!.Kind}")),
            entry.Target);

        // Again (a retry on another silo): nothing written, nothing recorded.
        var again = await IngestFile.RunBatchAsync(store, context, request, CancellationToken.None);
        Assert.All(again.Where(r => r.EvidenceId != Missing), r => Assert.False(r.Result!.Ingested));
        Assert.Single(await store.Audit.ReadAsync(null, CancellationToken.None), e => e.Action == "ingest.file");

        await Assert.ThrowsAsync<Harrier.Cases.CaseStoreException>(() => IngestFile.RunBatchAsync(store, context, request with { ExhibitId = "EX-9" }, CancellationToken.None));
    }
}
