namespace Harrier.Scenario;

/// <summary>The size of a generated world.</summary>
/// <param name="Name">tiny, demo or large.</param>
/// <param name="Users">Platform accounts.</param>
/// <param name="Items">Unique content items (each uploaded in three renditions).</param>
/// <param name="RenderedItems">Items whose media is actually rendered (the rest exist as metadata only).</param>
/// <param name="SecondsPerItem">Length of each rendered item.</param>
/// <param name="Renditions">Rendition heights, low to high.</param>
/// <param name="MaxViewsPerAccount">Each account views 0 to this many uploads (uniformly), paying tokens for each.</param>
/// <param name="ViewRewards">Whether the uploader earns a share of every paid view (a <c>view_reward</c> ledger row).</param>
public sealed record ScenarioPreset(string Name, int Users, int Items, int RenderedItems, int SecondsPerItem, int[] Renditions,
    int MaxViewsPerAccount = 3, bool ViewRewards = false)
{
    /// <summary>For tests: seconds to generate, every item rendered.</summary>
    public static ScenarioPreset Tiny { get; } = new("tiny", 60, 8, 8, 2, [90, 144, 180]);

    /// <summary>For the README demo: ~300 items × 3 renditions, ~5,000 users.</summary>
    public static ScenarioPreset Demo { get; } = new("demo", 5_000, 300, 300, 2, [90, 144, 180]);

    /// <summary>Metadata at Operation Stream scale; media rendered for a sample only.</summary>
    /// <remarks>
    /// Accounts view more (0–5 uploads each) and uploaders are paid per view, as on the real platform, which brings
    /// the token ledger to about ten million rows.
    /// </remarks>
    public static ScenarioPreset Large { get; } = new("large", 1_800_000, 91_000, 60, 2, [90, 144, 180], MaxViewsPerAccount: 5, ViewRewards: true);

    /// <summary>The preset named <paramref name="name"/>.</summary>
    public static ScenarioPreset Named(string name) => name switch
    {
        "tiny" => Tiny,
        "demo" => Demo,
        "large" => Large,
        _ => throw new ArgumentException($"unknown preset '{name}' (tiny, demo or large)", nameof(name)),
    };
}
