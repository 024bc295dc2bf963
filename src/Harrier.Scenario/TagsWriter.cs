using System.Globalization;
using System.Text;

namespace Harrier.Scenario;

/// <summary>
/// GraphSense-format packs for the scenario: a tag pack for each exchange's known hot-wallet addresses (the
/// addresses an exchange publishes or that were attributed before) and an actor pack with jurisdictions; a few real
/// public packs (the repository ships some in data/tagpacks) are copied alongside as noise when a folder of them is given.
/// </summary>
internal static class TagsWriter
{
    public static void Write(string dir, IReadOnlyList<(string Address, string Owner)> owners, string? realPacksDir)
    {
        Directory.CreateDirectory(dir);
        var actors = new StringBuilder("title: Scenario actors\ncreator: Harrier scenario generator\ndescription: Fictional exchanges of the synthetic platform world.\nlastmod: '2025-03-01'\nactors:\n");
        foreach (var ex in ChainBuilder.Exchanges)
        {
            actors.Append(CultureInfo.InvariantCulture, $"- id: {ex.Id}\n  label: {ex.Name}\n  jurisdictions:\n  - {ex.Country}\n  categories:\n  - exchange\n  uri: {ex.Id}.invalid\n");
            var pack = new StringBuilder();
            pack.Append(CultureInfo.InvariantCulture, $"title: {ex.Name} hot wallets\ncreator: Harrier scenario generator\nconfidence: service_data\nis_cluster_definer: true\ncategory: exchange\nlabel: {ex.Name}\nlastmod: 2025-03-01\nsource: https://{ex.Id}.invalid/proof-of-reserves\nactor: {ex.Id}\ntags:\n");
            // One in three of the exchange's addresses is tagged; clustering has to find the rest.
            var i = 0;
            foreach (var (address, _) in owners.Where(o => o.Owner == "exchange:" + ex.Id))
            {
                if (i++ % 3 == 0)
                {
                    pack.Append(CultureInfo.InvariantCulture, $"- address: {address}\n  currency: BTC\n");
                }
            }

            File.WriteAllText(Path.Combine(dir, $"scenario-{ex.Id}.yaml"), pack.ToString());
        }

        File.WriteAllText(Path.Combine(dir, "scenario.actorpack.yaml"), actors.ToString());
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
