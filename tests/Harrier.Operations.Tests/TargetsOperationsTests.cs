using Harrier.Cases.Tests;
using Harrier.Operations.Targets;

namespace Harrier.Operations.Tests;

/// <summary>
/// Ranking on real SQLite and PostgreSQL cases over <see cref="OtherPlatform"/> and the hand-built persons run
/// (<see cref="PersonsRun"/>): what the case's tables give the ranking, the stored factors, listing and showing, and an
/// analyst's move with its reason, each with its audit entry.
/// </summary>
public sealed class TargetsOperationsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [MemberData(nameof(TestCase.Backends), MemberType = typeof(TestCase))]
    public async Task Rank_reads_the_platform_through_the_persons_and_stores_every_factor_and_moves_are_audited_with_their_reason(string backend)
    {
        var (t, store, ctx, importId) = await PersonsOperationsTests.CaseAsync(backend);
        await using var _t = t;
        await Audited.NothingAsync<OperationException>(store, () => new RankTargets(store).RunAsync(new RankTargetsRequest(), ctx, None));
        await PersonsRun.StoreAsync(store, importId);
        await Audited.NothingAsync<OperationException>(store, () => new ListTargets(store).RunAsync(new ListTargetsRequest(), ctx, None));

        var ranked = await Audited.ExactlyAsync(store, () => new RankTargets(store).RunAsync(new RankTargetsRequest(), ctx, None), "targets.rank");
        Assert.Equal((2, 2, 1, 1, 0, 0), (ranked.Persons, ranked.WithFactors, ranked.Tier1, ranked.Tier2, ranked.Tier3, ranked.Tier4));

        var list = await Audited.ExactlyAsync(store, () => new ListTargets(store).RunAsync(new ListTargetsRequest(), ctx, None), "targets.list");
        Assert.Equal([1, 2], list.Targets.Select(x => x.PersonNumber));
        // Person 1 = accounts 10 (admin, upload 100) and 12 (uploads 101, 102; paid 0.5): none of the uploads is in the
        // evidence; admin 60 + unseen-upload 30 + payer 10 + spend 10 (the larger of two payers) + recent 5 = 115, capped.
        var first = list.Targets[0];
        Assert.Equal((100, 1, "DE"), (first.Score, first.Tier, first.Country));
        Assert.Equal(["admin", "unseen-upload", "payer", "payer-spend", "payer-recent"], first.Factors.Select(f => f.Name));
        Assert.Equal([60, 30, 10, 10, 5], first.Factors.Select(f => f.Weight));
        Assert.Contains("account 10", first.Factors[0].Evidence, StringComparison.Ordinal);
        Assert.Contains("upload 100 by account 10", first.Factors[1].Evidence, StringComparison.Ordinal);
        // Person 2 = account 11: paid 0.00125 a day before the newest payment, and an exact prior record: 10 + 0 + 5 + 20.
        var second = list.Targets[1];
        Assert.Equal((35, 2), (second.Score, second.Tier));
        Assert.Contains("R000001", second.Factors.Single(f => f.Name == "prior-record").Evidence, StringComparison.Ordinal);
        Assert.Equal([1], (await new ListTargets(store).RunAsync(new ListTargetsRequest(Country: "de"), ctx, None)).Targets.Select(x => x.PersonNumber));
        Assert.Empty((await new ListTargets(store).RunAsync(new ListTargetsRequest(MaxTier: 1, Offset: 1), ctx, None)).Targets);

        await Audited.NothingAsync<OperationException>(store, () => new MoveTarget(store).RunAsync(new MoveTargetRequest(2, 3, "  "), ctx, None));
        await Audited.NothingAsync<OperationException>(store, () => new MoveTarget(store).RunAsync(new MoveTargetRequest(2, 5, "why"), ctx, None));
        await Audited.NothingAsync<OperationException>(store, () => new MoveTarget(store).RunAsync(new MoveTargetRequest(9, 1, "why"), ctx, None));
        var move = await Audited.ExactlyAsync(store, () => new MoveTarget(store).RunAsync(new MoveTargetRequest(2, 3, "prior record is a namesake (checked with the records office)"), ctx, None),
            "targets.move");
        Assert.Equal((2, 3, 2), (move.FromTier, move.ToTier, move.ComputedTier));
        var entry = (await store.Audit.ReadAsync(1, None)).Single();
        Assert.Equal(("analyst", "prior record is a namesake (checked with the records office)"), (entry.Actor, entry.Justification));
        Assert.Contains("moved from tier 2 to tier 3", entry.Target, StringComparison.Ordinal);

        // The move holds in listings and across a re-ranking of the same persons run; the computed tier and score stay.
        await new RankTargets(store).RunAsync(new RankTargetsRequest(), ctx, None);
        var moved = (await new ListTargets(store).RunAsync(new ListTargetsRequest(), ctx, None)).Targets.Single(x => x.PersonNumber == 2);
        Assert.Equal((3, 2, 35), (moved.Tier, moved.ComputedTier, moved.Score));
        Assert.Equal(move.MoveId, moved.Move!.Id);
        var shown = await Audited.ExactlyAsync(store, () => new ShowTarget(store).RunAsync(new ShowTargetRequest(2), ctx, None), "targets.show");
        Assert.Single(shown.Moves);
        Assert.Contains("first-seen-upload", shown.TierRule, StringComparison.Ordinal);
    }
}
