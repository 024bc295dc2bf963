using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Harrier.Cases.Triage;
using Harrier.Media.Hashing;
using Harrier.Media.Imaging;
using Harrier.Media.Pdq;
using Harrier.Operations.Banks;
using Harrier.Web.Hma;
using Microsoft.Extensions.DependencyInjection;

namespace Harrier.Web.Tests;

/// <summary>
/// The HMA-compatible API against the served tiny demo: lookups of the demo's bank hashes and near copies, HMA's JSON
/// shapes, the 400/404/413 answers, hashing equal to the Media engine's, curation that lookups see at once, and who may
/// call it (tokens of coordinators and analysts only).
/// </summary>
[Collection(SharedWorkbench.Name)]
public sealed class HmaApiTests(WorkbenchFixture f)
{
    private async Task<BankPdq> DemoSignalAsync()
    {
        var signals = await new BankStore(f.Store).LoadPdqAsync(CancellationToken.None);
        var imported = (await new BankStore(f.Store).ListAsync(CancellationToken.None)).Where(b => b.Format != BankStore.CuratedFormat).Select(b => b.Name).ToHashSet();
        return signals.First(s => imported.Contains(s.Bank));
    }

    private static Hash256 Flip(Hash256 h, params int[] bits)
    {
        var w = new[] { h.W0, h.W1, h.W2, h.W3 };
        foreach (var b in bits)
        {
            w[b / 64] ^= 1UL << (b % 64);
        }

        return new Hash256(w[0], w[1], w[2], w[3]);
    }

    private string DemoJpeg() =>
        Directory.EnumerateFiles(Path.Combine(f.DemoDir, "scenario", "media"), "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();

    private static MultipartFormDataContent Upload(string field, byte[] data, string name)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(data);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, field, name);
        return form;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage r, HttpStatusCode expected)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"expected {(int)expected}, got {(int)r.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task A_bank_hash_is_found_at_distance_0_and_a_near_copy_at_the_bits_it_differs_by()
    {
        var signal = await DemoSignalAsync();
        using var client = f.ApiClient(f.Analyst);

        var exact = await JsonAsync(await client.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={signal.Pdq}&include_distance=true"), HttpStatusCode.OK);
        Assert.Contains(exact.GetProperty("matches").EnumerateArray(), m => m.GetProperty("content_id").GetInt64() == signal.Id && m.GetProperty("distance").GetString() == "0");

        var near = Flip(signal.Pdq, 3, 70, 141, 200, 255);
        Assert.Equal(5, near.DistanceTo(signal.Pdq));
        var copy = await JsonAsync(await client.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={near}&include_distance=true"), HttpStatusCode.OK);
        Assert.Contains(copy.GetProperty("matches").EnumerateArray(), m => m.GetProperty("content_id").GetInt64() == signal.Id && m.GetProperty("distance").GetString() == "5");

        var banks = await JsonAsync(await client.GetAsync($"/m/lookup?signal_type=pdq&signal={near}"), HttpStatusCode.OK);
        Assert.Contains(signal.Bank, banks.EnumerateArray().Select(b => b.GetString()));
    }

    [Fact]
    public async Task A_hash_farther_than_31_bits_from_every_bank_signal_matches_nothing()
    {
        var signals = await new BankStore(f.Store).LoadPdqAsync(CancellationToken.None);
        var signal = signals[0];
        var far = Flip(signal.Pdq, [.. Enumerable.Range(0, 32).Select(i => i * 8)]);
        Assert.Equal(32, far.DistanceTo(signal.Pdq));
        using var client = f.ApiClient(f.Analyst);
        var r = await JsonAsync(await client.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={far}&include_distance=true"), HttpStatusCode.OK);
        Assert.DoesNotContain(r.GetProperty("matches").EnumerateArray(), m => m.GetProperty("content_id").GetInt64() == signal.Id);
    }

    [Fact]
    public async Task Raw_lookup_answers_hma_shapes_with_and_without_distances()
    {
        var signal = await DemoSignalAsync();
        using var client = f.ApiClient(f.Analyst);
        var with = await JsonAsync(await client.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={signal.Pdq}&include_distance=true"), HttpStatusCode.OK);
        Assert.Equal(["matches"], with.EnumerateObject().Select(p => p.Name));
        var first = with.GetProperty("matches").EnumerateArray().First();
        Assert.Equal(["content_id", "distance"], first.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(JsonValueKind.Number, first.GetProperty("content_id").ValueKind);
        Assert.Equal(JsonValueKind.String, first.GetProperty("distance").ValueKind);

        var bare = await JsonAsync(await client.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={signal.Pdq}"), HttpStatusCode.OK);
        Assert.Contains(signal.Id, bare.GetProperty("matches").EnumerateArray().Select(m => m.GetInt64()));

        var status = await JsonAsync(await client.GetAsync("/m/index/status?signal_type=pdq"), HttpStatusCode.OK);
        var pdq = status.GetProperty("pdq");
        Assert.True(pdq.GetProperty("present").GetBoolean());
        Assert.True(pdq.GetProperty("size").GetInt32() >= (await new BankStore(f.Store).LoadPdqAsync(CancellationToken.None)).Count);
        Assert.True(pdq.GetProperty("built_to").GetInt64() > 0);
    }

    [Theory]
    [InlineData("/m/raw_lookup?signal_type=photodna&signal=0", "unknown signal type 'photodna'")]
    [InlineData("/m/lookup?signal=0", "signal_type is missing")]
    [InlineData("/m/lookup?signal_type=pdq&signal=", "signal is missing")]
    [InlineData("/m/lookup?signal_type=pdq&signal=abc", "3 characters")]
    [InlineData("/m/raw_lookup?signal_type=pdq&signal=f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2", "63 characters")]
    [InlineData("/m/raw_lookup?signal_type=pdq&signal=f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b2g", "'g' at position 63")]
    [InlineData("/m/index/status?signal_type=md5", "unknown signal type 'md5'")]
    public async Task Bad_signals_get_400_naming_what_is_wrong(string path, string message)
    {
        using var client = f.ApiClient(f.Analyst);
        var r = await JsonAsync(await client.GetAsync(path), HttpStatusCode.BadRequest);
        Assert.Contains(message, r.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_bank_gets_404()
    {
        using var client = f.ApiClient(f.Analyst);
        var signal = await JsonAsync(await client.PostAsJsonAsync("/c/bank/NO_SUCH_BANK/signal", new Dictionary<string, string> { ["pdq"] = new string('0', 64) }),
            HttpStatusCode.NotFound);
        Assert.Contains("NO_SUCH_BANK", signal.GetProperty("message").GetString(), StringComparison.Ordinal);
        var content = await JsonAsync(await client.PostAsync("/c/bank/NO_SUCH_BANK/content", Upload("photo", await File.ReadAllBytesAsync(DemoJpeg()), "x.jpg")),
            HttpStatusCode.NotFound);
        Assert.Contains("NO_SUCH_BANK", content.GetProperty("message").GetString(), StringComparison.Ordinal);
        var audit = await f.Store.Audit.ReadAsync(20, CancellationToken.None);
        Assert.DoesNotContain(audit, e => e.Target.Contains("NO_SUCH_BANK", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hashing_a_photo_answers_the_pdq_the_media_engine_computes()
    {
        var path = DemoJpeg();
        using var reader = ImageDecoder.OpenRows(path);
        var expected = PdqImageHasher.Hash(reader).Hash.ToString();
        using var client = f.ApiClient(f.Analyst);
        var r = await JsonAsync(await client.PostAsync("/h/hash", Upload("photo", await File.ReadAllBytesAsync(path), Path.GetFileName(path))), HttpStatusCode.OK);
        Assert.Equal(expected, r.GetProperty("pdq").GetString());

        var notImage = await JsonAsync(await client.PostAsync("/h/hash", Upload("photo", "not an image"u8.ToArray(), "notes.jpg")), HttpStatusCode.BadRequest);
        Assert.Contains("notes.jpg", notImage.GetProperty("message").GetString(), StringComparison.Ordinal);
        var noFile = await JsonAsync(await client.PostAsync("/h/hash", Upload("picture", [1, 2, 3], "x.jpg")), HttpStatusCode.BadRequest);
        Assert.Contains("field photo or video", noFile.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hashing_a_video_answers_the_vpdq_the_media_engine_computes()
    {
        var path = Directory.EnumerateFiles(Path.Combine(f.DemoDir, "scenario", "media"), "*.mp4", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).First();
        var expected = Harrier.Media.Vpdq.VpdqFormats.ToPytxSignal((await Harrier.Media.Vpdq.VpdqHasher.HashFileAsync(path)).Features);
        using var client = f.ApiClient(f.Analyst);
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(path)), "video", Path.GetFileName(path) } };
        var r = await JsonAsync(await client.PostAsync("/h/hash", form), HttpStatusCode.OK);
        Assert.Equal(expected, r.GetProperty("vpdq").GetString());
        Assert.StartsWith("[\"", expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signal_and_content_added_to_a_new_bank_are_found_at_once_and_each_write_is_audited()
    {
        const string Bank = "HMA_TEST_CURATED";
        using var client = f.ApiClient(f.Analyst);
        var created = await JsonAsync(await client.PostAsJsonAsync("/c/banks", new { name = Bank, enabled_ratio = 1.0 }), HttpStatusCode.Created);
        Assert.Equal(Bank, created.GetProperty("name").GetString());
        await JsonAsync(await client.PostAsJsonAsync("/c/banks", new { name = Bank }), HttpStatusCode.Forbidden);
        var listed = await JsonAsync(await client.GetAsync("/c/banks"), HttpStatusCode.OK);
        Assert.Contains(Bank, listed.EnumerateArray().Select(b => b.GetProperty("name").GetString()));

        // A hash no bank holds, not even near: random bits seeded by the test, checked against the case first.
        var random = new Random(17);
        var fresh = new Hash256((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
        var before = await JsonAsync(await client.GetAsync($"/m/lookup?signal_type=pdq&signal={fresh}"), HttpStatusCode.OK);
        Assert.Equal(0, before.GetArrayLength());

        var added = await JsonAsync(await client.PostAsJsonAsync($"/c/bank/{Bank}/signal", new Dictionary<string, string> { ["pdq"] = fresh.ToString() }), HttpStatusCode.OK);
        var id = added.GetProperty("id").GetInt64();
        Assert.Equal(fresh.ToString(), added.GetProperty("signals").GetProperty("pdq").GetString());
        var found = await JsonAsync(await client.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={Flip(fresh, 9, 99)}&include_distance=true"), HttpStatusCode.OK);
        var match = Assert.Single(found.GetProperty("matches").EnumerateArray());
        Assert.Equal(id, match.GetProperty("content_id").GetInt64());
        Assert.Equal("2", match.GetProperty("distance").GetString());

        var photo = await File.ReadAllBytesAsync(DemoJpeg());
        var content = await JsonAsync(await client.PostAsync($"/c/bank/{Bank}/content", Upload("photo", photo, "seized.jpg")), HttpStatusCode.OK);
        var pdq = content.GetProperty("signals").GetProperty("pdq").GetString();
        var lookup = await JsonAsync(await client.PostAsync("/m/lookup", Upload("photo", photo, "query.jpg")), HttpStatusCode.OK);
        Assert.Contains(Bank, lookup.GetProperty("pdq").EnumerateArray().Select(b => b.GetString()));

        var audit = await f.Store.Audit.ReadAsync(40, CancellationToken.None);
        Assert.Contains(audit, e => e.Actor == "web:ana" && e.Action == CurateBank.CreateAction && e.Target.Contains(Bank, StringComparison.Ordinal));
        Assert.Contains(audit, e => e.Actor == "web:ana" && e.Action == CurateBank.SignalAction && e.Target.Contains(fresh.ToString(), StringComparison.Ordinal));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo));
        Assert.Contains(audit, e => e.Actor == "web:ana" && e.Action == CurateBank.ContentAction && e.Target.Contains(pdq!, StringComparison.Ordinal)
            && e.Target.Contains(sha, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Signals_added_while_lookups_run_are_all_found_and_no_lookup_fails()
    {
        const string Bank = "HMA_TEST_CONCURRENT";
        using var client = f.ApiClient(f.Coordinator);
        await JsonAsync(await client.PostAsJsonAsync("/c/banks", new { name = Bank }), HttpStatusCode.Created);
        var random = new Random(23);
        var hashes = Enumerable.Range(0, 24).Select(_ => new Hash256((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64())).ToArray();
        using var stop = new CancellationTokenSource();
        var lookups = Enumerable.Range(0, 4).Select(async worker =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var r = await client.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={hashes[(worker + n) % hashes.Length]}&include_distance=true");
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                n++;
            }

            return n;
        }).ToArray();
        var ids = new List<long>();
        foreach (var h in hashes)
        {
            var added = await JsonAsync(await client.PostAsJsonAsync($"/c/bank/{Bank}/signal", new Dictionary<string, string> { ["pdq"] = h.ToString() }), HttpStatusCode.OK);
            ids.Add(added.GetProperty("id").GetInt64());
        }

        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(lookups), n => Assert.True(n > 0));
        for (var i = 0; i < hashes.Length; i++)
        {
            var found = await JsonAsync(await client.GetAsync($"/m/raw_lookup?signal_type=pdq&signal={hashes[i]}&include_distance=true"), HttpStatusCode.OK);
            Assert.Contains(found.GetProperty("matches").EnumerateArray(), m => m.GetProperty("content_id").GetInt64() == ids[i] && m.GetProperty("distance").GetString() == "0");
        }
    }

    [Fact]
    public async Task An_upload_over_the_limit_gets_413()
    {
        // A second server over the same case with a small limit: the shared one allows 256 MiB.
        await using var small = await Workbench.StartAsync(f.Store, new WorkbenchOptions { Port = 0, MaxUploadBytes = 64 * 1024 }, CancellationToken.None);
        using var client = new HttpClient { BaseAddress = small.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", f.Analyst.Token);
        // As curl does for large bodies: the server answers 413 from the declared length before the body is sent (without
        // it, a server that answers early and closes races the client still sending, and the client may see a reset).
        client.DefaultRequestHeaders.ExpectContinue = true;
        var big = new byte[100 * 1024];
        foreach (var path in new[] { "/h/hash", "/m/lookup" })
        {
            var r = await JsonAsync(await client.PostAsync(path, Upload("photo", big, "big.jpg")), HttpStatusCode.RequestEntityTooLarge);
            Assert.Contains("65536 bytes", r.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var photo = await File.ReadAllBytesAsync(DemoJpeg());
        Assert.True(photo.Length < 60 * 1024, $"the demo photo is {photo.Length} bytes");
        await JsonAsync(await client.PostAsync("/h/hash", Upload("photo", photo, "small.jpg")), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_a_token_401_and_with_a_readers_token_403()
    {
        using var anonymous = f.NewClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/m/lookup?signal_type=pdq&signal=" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/c/banks", new { name = "HMA_ANON" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/openapi/v1.json")).StatusCode);

        using var reader = f.ApiClient(f.Reader);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("/m/raw_lookup?signal_type=pdq&signal=" + new string('0', 64))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync("/c/banks", new { name = "HMA_READER" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/h/hash", Upload("photo", [1], "x.jpg"))).StatusCode);

        using var coordinator = f.ApiClient(f.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync("/c/banks")).StatusCode);
        Assert.DoesNotContain((await new BankStore(f.Store).ListAsync(CancellationToken.None)), b => b.Name is "HMA_ANON" or "HMA_READER");
    }

    [Fact]
    public async Task An_analyst_signed_in_by_cookie_cannot_call_the_api()
    {
        using var client = await f.SignInAsync(f.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode); // the session works for pages
        var post = await client.PostAsJsonAsync("/c/banks", new { name = "HMA_CSRF" });
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/m/lookup?signal_type=pdq&signal=" + new string('0', 64))).StatusCode);
        Assert.DoesNotContain((await new BankStore(f.Store).ListAsync(CancellationToken.None)), b => b.Name == "HMA_CSRF");
    }

    [Fact]
    public async Task Lookups_are_audited_as_one_entry_per_account_with_their_counts()
    {
        var audit = f.Workbench.Services.GetRequiredService<HmaLookupAudit>();
        await audit.FlushAsync(CancellationToken.None);
        var since = (await f.Store.Audit.ReadAsync(1, CancellationToken.None)).Single().Seq;
        var signal = await DemoSignalAsync();
        using var client = f.ApiClient(f.Analyst);
        for (var i = 0; i < 3; i++)
        {
            await JsonAsync(await client.GetAsync($"/m/lookup?signal_type=pdq&signal={signal.Pdq}"), HttpStatusCode.OK);
        }

        var entriesBefore = (await f.Store.Audit.ReadAsync(10, CancellationToken.None)).Count(e => e.Seq > since && e.Action == HmaLookupAudit.Action);
        Assert.Equal(0, entriesBefore); // counted, not yet written
        await audit.FlushAsync(CancellationToken.None);
        var written = (await f.Store.Audit.ReadAsync(10, CancellationToken.None)).Where(e => e.Seq > since && e.Action == HmaLookupAudit.Action).ToList();
        var entry = Assert.Single(written);
        Assert.Equal("web:ana", entry.Actor);
        Assert.Contains("3 requests", entry.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_routes()
    {
        using var client = f.ApiClient(f.Analyst);
        var doc = await JsonAsync(await client.GetAsync("/openapi/v1.json"), HttpStatusCode.OK);
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        foreach (var route in new[] { "/m/lookup", "/m/raw_lookup", "/m/index/status", "/h/hash", "/c/banks", "/c/bank/{name}/signal", "/c/bank/{name}/content" })
        {
            Assert.Contains(route, paths);
        }

        Assert.True(doc.GetProperty("paths").GetProperty("/m/lookup").TryGetProperty("post", out _), "POST /m/lookup is missing");
        Assert.DoesNotContain(paths, p => p.StartsWith("/persons", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bank_imported_by_another_process_is_found_after_the_index_catches_up()
    {
        using var client = f.ApiClient(f.Analyst);
        var random = new Random(4111);
        var fresh = new Hash256((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
        var lookup = $"/m/raw_lookup?signal_type=pdq&signal={Flip(fresh, 3)}&include_distance=true";
        Assert.Equal(0, (await JsonAsync(await client.GetAsync(lookup), HttpStatusCode.OK)).GetProperty("matches").GetArrayLength());

        // `harrier banks import` in another process: the case gains a bank; the serving process is not told.
        var file = Path.Combine(f.Root, "catch-up.pdq");
        await File.WriteAllTextAsync(file, fresh + ",100\n");
        await new ImportBank(f.Store).RunAsync(new ImportBankRequest(file, "HMA_CATCH_UP", Harrier.Matching.Banks.BankFormat.Pdq), new Harrier.Operations.OperationContext("other-process", TimeProvider.System),
            CancellationToken.None);
        Assert.Equal(0, (await JsonAsync(await client.GetAsync(lookup), HttpStatusCode.OK)).GetProperty("matches").GetArrayLength());

        var index = f.Workbench.Services.GetRequiredService<Harrier.Operations.Banks.PdqLookupIndex>();
        Assert.Equal(1, await index.CatchUpAsync(CancellationToken.None));
        var match = Assert.Single((await JsonAsync(await client.GetAsync(lookup), HttpStatusCode.OK)).GetProperty("matches").EnumerateArray());
        Assert.Equal("1", match.GetProperty("distance").GetString());
        Assert.Equal(0, await index.CatchUpAsync(CancellationToken.None)); // nothing twice
    }
}
