using System.CommandLine;
using System.Globalization;
using Harrier.Scenario;

namespace Harrier.Cli.Commands;

/// <summary><c>harrier scenario generate</c>.</summary>
internal static class ScenarioCommands
{
    public static Command Create(GlobalOptions options, CliHost host)
    {
        var command = new Command("scenario", "The proving ground: a synthetic seized platform with its ground truth.");
        var seed = new Option<int>("--seed") { Description = "World seed; the same seed and preset give byte-identical output.", DefaultValueFactory = _ => 1 };
        var preset = new Option<string>("--preset") { Description = "tiny (tests), demo (the README demo) or large (Operation Stream scale metadata).", DefaultValueFactory = _ => "tiny" };
        preset.AcceptOnlyFromAmong("tiny", "demo", "large");
        var users = new Option<int?>("--users") { Description = "Override the preset's number of accounts." };
        var items = new Option<int?>("--items") { Description = "Override the preset's number of content items." };
        var payers = new Option<string>("--payers")
        {
            Description = "direct (payers pay straight from exchange withdrawals; the default) or adversarial (payers that hide: self-custody hops, CoinJoins, swap services, decoy exchanges, off-chain payments; see docs/scenario.md).",
            DefaultValueFactory = _ => "direct",
        };
        payers.AcceptOnlyFromAmong("direct", "adversarial");
        var outDir = new Option<string>("--out") { Description = "Output folder (new or empty).", Required = true };
        var photos = new Option<string?>("--photos") { Description = "Folder of benign .jpg photos for the stills and slideshows (default: the repository's data/photos)." };
        var publicPacks = new Option<string?>("--public-packs")
        {
            Description = "Folder of real public GraphSense packs copied beside the synthetic ones as noise (default: the repository's data/tagpacks/graphsense/packs).",
        };
        var geoip = new Option<string?>("--geoip")
        {
            Description = "IP-to-country .mmdb (ip-location-db or GeoIP2/GeoLite2 Country) for real country ranges (default: $HARRIER_GEOIP, which ./harrier sets).",
        };
        var generate = new Command("generate", "Generate media/, platform/, chain/, tags/, hashsets/, records/ and truth.json.")
        {
            seed, preset, users, items, payers, outDir, photos, publicPacks, geoip,
        };
        generate.SetAction(options, host, async (ctx, parse, ct) =>
        {
            var p = ScenarioPreset.Named(parse.GetValue(preset)!);
            foreach (var (option, value) in new[] { ("--users", parse.GetValue(users)), ("--items", parse.GetValue(items)) })
            {
                if (value is < 1)
                {
                    throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{option} must be at least 1 (got {value})"));
                }
            }

            if (parse.GetValue(users) is { } u)
            {
                p = p with { Users = u };
            }

            if (parse.GetValue(items) is { } i)
            {
                p = p with { Items = i, RenderedItems = Math.Min(p.RenderedItems, i) };
            }

            var photoDir = BundledData.PhotosOr(parse.GetValue(photos));
            var packsDir = parse.GetValue(publicPacks) ?? BundledData.PublicTagPacks;
            ScenarioSummary summary;
            try
            {
                summary = await WorkProgress.RunAsync(ctx, "generating scenario", progress =>
                    ScenarioGenerator.GenerateAsync(new ScenarioOptions(parse.GetValue(seed), p, parse.GetValue(outDir)!, photoDir, packsDir, Environment.ProcessorCount,
                        parse.GetValue(geoip) ?? Environment.GetEnvironmentVariable("HARRIER_GEOIP"),
                        parse.GetValue(payers) == "adversarial" ? PayerBehaviour.Adversarial : PayerBehaviour.Direct),
                        new Forward(progress), ct));
            }
            catch (IOException e)
            {
                throw new CliException(e.Message);
            }

            if (ctx.Json)
            {
                ctx.WriteJson(summary);
            }
            else
            {
                ctx.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"scenario {summary.Preset} seed {summary.Seed} in {summary.OutDir}: {summary.Persons} persons, {summary.Accounts} accounts, {summary.Items} items, {summary.Uploads} uploads, {summary.RenditionFiles} video files, {summary.Stills} stills, {summary.Payments} payments in {summary.Transactions} transactions / {summary.Blocks} blocks, {summary.Bytes:N0} bytes"));
                ctx.Out.WriteLine("stages (s): " + string.Join(", ", summary.StageSeconds.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:F1}"))));
            }

            return ExitCodes.Ok;
        });
        command.Add(generate);
        return command;
    }

    private sealed class Forward(IProgress<WorkReport> inner) : IProgress<(string Stage, long Done, long Total)>
    {
        public void Report((string Stage, long Done, long Total) value) => inner.Report(new WorkReport(value.Stage, value.Done, value.Total));
    }
}
