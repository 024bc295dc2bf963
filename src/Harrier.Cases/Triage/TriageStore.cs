using System.Data.Common;
using System.Globalization;
using Harrier.Matching.Banks;
using Harrier.Matching.Triage;
using Harrier.Media.Features;

namespace Harrier.Cases.Triage;

/// <summary>
/// Runs triage on the case: loads the registered files with their media facts and the banks, calls the
/// <see cref="TriageEngine"/>, and replaces the stored results in one audited transaction.
/// </summary>
public sealed class TriageStore
{
    private readonly CaseStore _store;

    /// <summary>Creates the store over <paramref name="store"/>.</summary>
    public TriageStore(CaseStore store) => _store = store;

    /// <summary>Triages every registered file of the case with the image hypotheses already stored (none computed).</summary>
    public Task<TriageSummary> RunAsync(string actor, string? justification, TriageOptions? options, CancellationToken cancellationToken) =>
        RunAsync(actor, justification, options, null, cancellationToken);

    /// <summary>
    /// Triages every registered file of the case. The images and videos whose hypotheses triage would try
    /// (<see cref="TriagePass.NeedingHypotheses"/> of triage's first pass: nothing else matched them) and that have none stored are handed to
    /// <paramref name="hypothesise"/>, which computes and stores them (<see cref="MediaFactsStore.WriteHypothesesAsync(System.Threading.Channels.ChannelReader{ValueTuple{long, Harrier.Media.Features.MediaFeatures}}, CancellationToken)"/>)
    /// and returns the files it could not do; their stored facts are then read again. Null: only stored hypotheses are used.
    /// </summary>
    public async Task<TriageSummary> RunAsync(string actor, string? justification, TriageOptions? options, HypothesiseImages? hypothesise,
        CancellationToken cancellationToken)
    {
        // Per exhibit: ListAsync(null) sends an untyped NULL parameter, which PostgreSQL cannot type.
        var files = new List<EvidenceFile>();
        foreach (var exhibit in await _store.Evidence.ExhibitsAsync(cancellationToken))
        {
            files.AddRange((await _store.Evidence.ListAsync(exhibit.ExhibitId, cancellationToken)).Where(f => f.Status == EvidenceStatus.Ok));
        }

        var factsStore = new MediaFactsStore(_store);
        var facts = await factsStore.LoadAsync(cancellationToken);
        var bank = await new BankStore(_store).LoadEntriesAsync(cancellationToken);
        var inputs = files.Select(f => Input(f, facts.GetValueOrDefault(f.Id))).ToList();
        int computed = 0, reused = 0, videosComputed = 0, videosReused = 0;
        IReadOnlyList<TriageFileError> errors = [];
        using var pass = TriageEngine.FirstPass(inputs, bank, options);
        var needing = pass.NeedingHypotheses;
        if (needing.Count > 0)
        {
            var missing = await factsStore.WithoutHypothesesAsync(cancellationToken);
            var todo = needing.Where(i => missing.Contains(files[i].Id)).ToList();
            bool IsVideo(int i) => inputs[i].Kind == MediaKinds.Video;
            reused = needing.Count(i => !IsVideo(i)) - todo.Count(i => !IsVideo(i));
            videosReused = needing.Count(IsVideo) - todo.Count(IsVideo);
            if (todo.Count > 0 && hypothesise is not null)
            {
                errors = await hypothesise([.. todo.Select(i => files[i])], todo.Where(IsVideo).Select(i => files[i].Id).ToHashSet(), cancellationToken);
                foreach (var i in todo)
                {
                    if (await factsStore.LoadAsync(files[i].Id, cancellationToken) is { } now)
                    {
                        inputs[i] = Input(files[i], now);
                    }
                }

                var failed = errors.Select(e => e.EvidenceId).ToHashSet();
                computed = todo.Count(i => !IsVideo(i) && !failed.Contains(files[i].Id));
                videosComputed = todo.Count(i => IsVideo(i) && !failed.Contains(files[i].Id));
            }
        }

        var outcome = TriageEngine.Run(pass, inputs);

        return await _store.WriteAsync(new AuditIntent(actor, "triage.run", justification),
            async (w, ct) =>
            {
                await CaseDatabase.ExecuteAsync(w.Connection, w.Transaction, "DELETE FROM triage_results", ct);
                await using (var cmd = CaseDatabase.Command(w.Connection, w.Transaction, """
                    INSERT INTO triage_results (evidence_id, status, method, bank_name, scheme, code, distance, conflicts, rendition_group, scene_group,
                        representative, queue_rank, reasons, triaged_utc)
                    VALUES (@i, @s, @m, @b, @sc, @co, @d, @cf, @rg, @sg, @rep, @q, @r, @t)
                    """, ("@i", null), ("@s", null), ("@m", null), ("@b", null), ("@sc", null), ("@co", null), ("@d", null), ("@cf", null),
                    ("@rg", null), ("@sg", null), ("@rep", null), ("@q", null), ("@r", null), ("@t", w.NowUtc)))
                {
                    foreach (var r in outcome.Files)
                    {
                        Set(cmd, "@i", r.Id);
                        Set(cmd, "@s", r.Status);
                        Set(cmd, "@m", r.Method);
                        Set(cmd, "@b", r.Bank);
                        Set(cmd, "@sc", r.Category?.Scheme);
                        Set(cmd, "@co", r.Category?.Code);
                        Set(cmd, "@d", r.Distance);
                        Set(cmd, "@cf", r.Conflicts.Count == 0 ? null : string.Join('\n', r.Conflicts));
                        Set(cmd, "@rg", r.RenditionGroup);
                        Set(cmd, "@sg", r.SceneGroup);
                        Set(cmd, "@rep", r.Representative ? 1 : 0);
                        Set(cmd, "@q", r.QueueRank);
                        Set(cmd, "@r", r.Reasons.Count == 0 ? null : string.Join('\n', r.Reasons));
                        await cmd.ExecuteNonQueryAsync(ct);
                    }
                }

                return Summarise(outcome.Files) with
                {
                    VideoPairsCompared = outcome.VideoPairsCompared, VideoPairsSkippedByTmk = outcome.VideoPairsSkippedByTmk,
                    ImagesHypothesised = computed, ImagesHypothesesStored = reused, VideosHypothesised = videosComputed, VideosHypothesesStored = videosReused,
                    Errors = errors,
                };
            },
            summary => string.Create(CultureInfo.InvariantCulture,
                $"{outcome.Files.Count} files against {bank.Count} bank entries: {string.Join(", ", summary.ByStatus.Select(s => $"{s.Value} {s.Key}"))}; {outcome.Groups.Count} scene groups; video pairs: {outcome.VideoPairsCompared} compared, {outcome.VideoPairsSkippedByTmk} skipped by TMK; image hypotheses: {summary.ImagesHypothesised} computed, {summary.ImagesHypothesesStored} stored before, {summary.Errors.Count} failed; video hypotheses: {summary.VideosHypothesised} computed, {summary.VideosHypothesesStored} stored before"),
            cancellationToken);
    }

    private static TriageInput Input(EvidenceFile f, MediaFacts? m) =>
        new(f.Id, f.Md5, f.Sha1, f.Sha256, m?.Kind ?? MediaKinds.Other, m?.Pdq, m?.Vpdq, m?.Width, m?.Height, m?.DurationSeconds, f.ModifiedUtc)
        {
            FrameRate = m?.FrameRate, PdqTrimmed = m?.PdqTrimmed ?? [], VpdqOverlay = m?.VpdqOverlay, TmkLevel1 = m?.TmkLevel1,
            PdqReframed = m?.PdqReframed ?? [], PdqOffCentre = m?.PdqOffCentre ?? [], PdqOffCentreStable = m?.PdqOffCentreStable ?? [], PdqDerotated = m?.PdqDerotated ?? [],
            PdqDerotatedStable = m?.PdqDerotatedStable ?? [],
            PdqInset = m is null ? [] : [.. m.PdqInset.Select(r => r.Hash)], VpdqReframed = m?.VpdqReframed, VpdqDihedral = m?.VpdqDihedral, VpdqHypotheses = m?.VpdqHypotheses,
        };

    /// <summary>The stored results joined with their evidence files, ordered by exhibit and path.</summary>
    public async Task<IReadOnlyList<TriageRow>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.Database.OpenAsync(cancellationToken);
        await using var cmd = CaseDatabase.Command(connection, null, $"""
            SELECT f.id, f.exhibit_id, f.rel_path, f.size, t.status, t.method, t.bank_name, t.scheme, t.code, t.distance, t.conflicts,
                   t.rendition_group, t.scene_group, t.representative, t.queue_rank, t.reasons, m.kind, m.width, m.height, m.duration_s, m.codec,
                   {MediaFactsStore.MetadataSelectList("m")}
            FROM triage_results t JOIN evidence_files f ON f.id = t.evidence_id LEFT JOIN media_facts m ON m.evidence_id = t.evidence_id
            ORDER BY f.exhibit_id, f.rel_path
            """);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        var list = new List<TriageRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new TriageRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), Long(reader, 3) ?? 0, reader.GetString(4), Str(reader, 5),
                Str(reader, 6), Str(reader, 7) is { } s ? new BankCategory(s, Str(reader, 8) ?? string.Empty) : null, (int?)Long(reader, 9),
                Str(reader, 10)?.Split('\n') ?? [], (int?)Long(reader, 11), (int?)Long(reader, 12), Long(reader, 13) == 1, (int?)Long(reader, 14),
                Str(reader, 15)?.Split('\n') ?? [], Str(reader, 16) ?? MediaKinds.Other, (int?)Long(reader, 17), (int?)Long(reader, 18),
                reader.IsDBNull(19) ? null : Convert.ToDouble(reader.GetValue(19), CultureInfo.InvariantCulture), Str(reader, 20))
            {
                Metadata = MediaFactsStore.ReadMetadata(reader, 21),
                Derived = MediaFactsStore.ReadDerived(reader, 21),
            });
        }

        return list;
    }

    private static TriageSummary Summarise(IReadOnlyList<TriageResult> files)
    {
        var byStatus = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            byStatus[f.Status] = byStatus.GetValueOrDefault(f.Status) + 1;
        }

        return new TriageSummary(files.Count, byStatus,
            files.Where(f => f.SceneGroup is not null).Select(f => f.SceneGroup).Distinct().Count(),
            files.Where(f => f.RenditionGroup is not null).Select(f => f.RenditionGroup).Distinct().Count(),
            files.Where(f => f.QueueRank is not null).Select(f => f.QueueRank).Distinct().Count(),
            files.Count(f => f.Conflicts.Count > 0));
    }

    private static string? Str(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static long? Long(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);

    private static void Set(DbCommand cmd, string name, object? value) => cmd.Parameters[name].Value = value ?? DBNull.Value;
}
