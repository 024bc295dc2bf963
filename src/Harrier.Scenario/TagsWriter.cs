using Harrier.Chain.Attribution;

namespace Harrier.Scenario;

/// <summary>
/// GraphSense-format packs for the scenario, written by the Chain engine's <see cref="TagPackWriter"/>: a tag pack for
/// each exchange's known hot-wallet addresses (the addresses an exchange publishes or that were attributed before) and
/// an actor pack with jurisdictions; a few real public packs (the repository ships some in data/tagpacks) are copied
/// alongside as noise when a folder of them is given.
/// </summary>
internal static class TagsWriter
{
    /// <summary>The tag and actor category of an instant swap service that asks no KYC: a trace ends there, obscured.</summary>
    public const string SwapCategory = "swap_service";

    public static void Write(string dir, IReadOnlyList<(string Address, string Owner)> owners, string? realPacksDir, IReadOnlyList<ScenarioService> services)
    {
        Directory.CreateDirectory(dir);
        foreach (var ex in ChainBuilder.Exchanges)
        {
            var header = new TagPackHeader(ex.Name + " hot wallets")
            {
                Creator = "Harrier scenario generator",
                Confidence = "service_data",
                IsClusterDefiner = true,
                Category = "exchange",
                Label = ex.Name,
                LastMod = "2025-03-01",
                Source = $"https://{ex.Id}.invalid/proof-of-reserves",
                Actor = ex.Id,
            };

            // One in three of the exchange's addresses is tagged; clustering has to find the rest.
            var tags = owners.Where(o => o.Owner == "exchange:" + ex.Id).Where((_, i) => i % 3 == 0)
                .Select(o => new TagPackTag(o.Address) { Currency = "BTC" });
            using var pack = new StreamWriter(Path.Combine(dir, $"scenario-{ex.Id}.yaml"));
            TagPackWriter.WriteTagPack(pack, header, tags);
        }

        // Swap services are tagged like the exchanges (a third of their addresses), as swap services; decoy exchanges not at all.
        foreach (var swap in services.Where(s => s.Tagged))
        {
            var header = new TagPackHeader(swap.Name + " hot wallets")
            {
                Creator = "Harrier scenario generator",
                Confidence = "service_data",
                IsClusterDefiner = true,
                Category = SwapCategory,
                Label = swap.Name,
                LastMod = "2025-03-01",
                Source = $"https://{swap.Id}.invalid/about",
                Actor = swap.Id,
            };
            var tags = owners.Where(o => o.Owner == "swap:" + swap.Id).Where((_, i) => i % 3 == 0).Select(o => new TagPackTag(o.Address) { Currency = "BTC" });
            using var pack = new StreamWriter(Path.Combine(dir, $"scenario-{swap.Id}.yaml"));
            TagPackWriter.WriteTagPack(pack, header, tags);
        }

        using (var actors = new StreamWriter(Path.Combine(dir, "scenario.actorpack.yaml")))
        {
            TagPackWriter.WriteActorPack(actors,
                new ActorPackHeader("Scenario actors")
                {
                    Creator = "Harrier scenario generator",
                    Description = "Fictional exchanges of the synthetic platform world.",
                    LastMod = "2025-03-01",
                },
                ChainBuilder.Exchanges.Select(ex => new Actor
                {
                    Id = ex.Id,
                    Label = ex.Name,
                    Jurisdictions = [ex.Country],
                    Categories = ["exchange"],
                    Uri = ex.Id + ".invalid",
                }).Concat(services.Where(s => s.Tagged).Select(s => new Actor
                {
                    Id = s.Id,
                    Label = s.Name,
                    Jurisdictions = [s.Country],
                    Categories = [SwapCategory, "no_kyc"],
                    Uri = s.Id + ".invalid",
                })));
        }

        if (realPacksDir is not null && Directory.Exists(realPacksDir))
        {
            foreach (var name in new[] { "demo.yaml", "exchange-wallets-kucoin.yaml", "mixing_fc2021.yaml" })
            {
                var src = Path.Combine(realPacksDir, name);
                if (File.Exists(src))
                {
                    File.Copy(src, Path.Combine(dir, "public-" + name));
                }
            }
        }
    }
}
