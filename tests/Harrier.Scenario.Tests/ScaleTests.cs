using NBitcoin;

namespace Harrier.Scenario.Tests;

/// <summary>The parts the large preset leans on, exercised at a small size: the streamed chain and the token economy.</summary>
public sealed class ScaleTests
{
    [Fact]
    public void Chain_builder_signs_in_batches_and_streams_blocks_across_files()
    {
        var dir = Directory.CreateTempSubdirectory("harrier-scenario-chain-").FullName;
        try
        {
            int blockCount, transactions;
            using (var chain = new ChainBuilder(3, 1_600_000_000, dir, parallelism: 2, maxFileBytes: 4096, signBatch: 5))
            {
                var coins = new List<(Coin Coin, Key Key)>();
                for (var i = 0; i < 8; i++)
                {
                    var key = chain.NewKey("miner");
                    coins.Add((new Coin(chain.Mine(key, 1_600_000_000 + i * 600), 0u), key));
                }

                // Spend each coin onward a few times (one, two and three inputs), a block per round.
                for (var round = 0; round < 6; round++)
                {
                    var next = new List<(Coin, Key)>();
                    for (var i = 0; i < coins.Count;)
                    {
                        var take = Math.Min(coins.Count - i, 1 + (i % 3));
                        var inputs = coins.GetRange(i, take);
                        var to = chain.NewKey("payee");
                        var change = chain.NewKey("payer");
                        var half = inputs.Sum(c => c.Coin.Amount.Satoshi) / 2;
                        var tx = chain.Spend(inputs, [(ChainBuilder.AddressOf(to), Money.Satoshis(half))], change, Money.Satoshis(1_000));
                        next.Add((new Coin(tx, 0u), to));
                        next.Add((new Coin(tx, 1u), change));
                        i += take;
                    }

                    chain.Mine(chain.KeyFor("pool", 0), 1_600_100_000 + round * 600);
                    coins = next;
                }

                chain.Complete();
                blockCount = chain.BlockCount;
                transactions = chain.TransactionCount;
            }

            Assert.True(Directory.EnumerateFiles(dir, "blk*.dat").Count() > 1, "blocks should have been spread over several files");
            var blocks = ChainFiles.Read(dir);
            Assert.Equal(blockCount, blocks.Count);
            Assert.Equal(transactions, blocks.Sum(b => b.Transactions.Count));
            var prev = Network.RegTest.GetGenesis().GetHash();
            foreach (var block in blocks)
            {
                Assert.Equal(prev, block.Header.HashPrevBlock);
                Assert.True(block.CheckMerkleRoot());
                prev = block.GetHash();
            }

            Assert.True(ChainFiles.AssertEverySpendIsValid(blocks) > 20);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Large_preset_renders_only_its_sample_even_with_many_items()
    {
        // Compilations are always rendered: their number must follow the rendered sample, not the item count.
        var preset = ScenarioPreset.Large with { Users = 500, Items = 5_000 };
        var world = WorldBuilder.Build(9, preset, [], null);
        var compilations = world.Uploads.Where(u => u.Variant == "compilation").ToList();
        Assert.Equal(preset.RenderedItems / 25, compilations.Count);
        Assert.All(compilations, c => Assert.All(c.CompilationItemIds, id => Assert.InRange(id, 1, preset.RenderedItems)));
        var uploads = world.Uploads.ToDictionary(u => u.Id);
        var rendered = world.Renditions.Where(r => r.Rendered).Select(r => uploads[r.UploadId]).ToList();
        Assert.All(rendered, u => Assert.True(u.Variant == "compilation" || u.ItemId <= preset.RenderedItems, $"upload {u.Id} of item {u.ItemId}"));
        Assert.InRange(rendered.Count, 3 * preset.RenderedItems, 3 * (2 * preset.RenderedItems + compilations.Count));
    }

    [Fact]
    public void Large_preset_ledger_pays_uploaders_for_every_paid_view_and_tiny_does_not()
    {
        var preset = ScenarioPreset.Large with { Users = 3_000, Items = 120, RenderedItems = 0 };
        var world = WorldBuilder.Build(5, preset, [], null);
        var uploaderOf = world.Uploads.ToDictionary(u => u.Id, u => u.AccountId);
        Assert.Equal(Enumerable.Range(1, world.Ledger.Count).Select(i => (long)i), world.Ledger.Select(l => l.Id));
        var spends = world.Ledger.Where(l => l.Kind == "spend").ToList();
        var rewards = world.Ledger.Where(l => l.Kind == "view_reward").ToList();
        Assert.Equal(world.Views.Count, spends.Count);
        Assert.Equal(spends.Count, rewards.Count);
        // Each reward follows its spend: same upload and time, paid to the upload's uploader, a share of the price.
        for (var i = 0; i < world.Ledger.Count; i++)
        {
            if (world.Ledger[i].Kind != "spend")
            {
                continue;
            }

            var spend = world.Ledger[i];
            var reward = world.Ledger[i + 1];
            Assert.Equal("view_reward", reward.Kind);
            Assert.Equal(spend.UploadId, reward.UploadId);
            Assert.Equal(spend.UnixTime, reward.UnixTime);
            Assert.Equal(uploaderOf[spend.UploadId!.Value], reward.AccountId);
            Assert.InRange(reward.Tokens, 1, -spend.Tokens);
        }

        // Views per account span 0..MaxViewsPerAccount.
        var perAccount = world.Views.GroupBy(v => v.AccountId).Select(g => g.Count()).ToList();
        Assert.Equal(preset.MaxViewsPerAccount, perAccount.Max());
        Assert.True(perAccount.Count < world.Accounts.Count, "some accounts view nothing");

        var tiny = WorldBuilder.Build(5, ScenarioPreset.Tiny, [], null);
        Assert.Single(tiny.Uploads, u => u.Variant == "compilation");
        Assert.DoesNotContain(tiny.Ledger, l => l.Kind == "view_reward");
        Assert.Equal(tiny.Views.Count, tiny.Ledger.Count(l => l.Kind == "spend"));
    }
}
