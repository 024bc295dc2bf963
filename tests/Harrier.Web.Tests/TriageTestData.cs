using System.Net;
using System.Net.Http.Headers;
using Harrier.Cases.Triage;

namespace Harrier.Web.Tests;

/// <summary>What the triage tests pick from the fixture's case (found through the stores, never hard-coded ids).</summary>
internal static class TriageTestData
{
    /// <summary>Every triaged file of the case (the tiny demo is small enough to read whole in a test).</summary>
    public static async Task<IReadOnlyList<TriageTile>> TilesAsync(WorkbenchFixture f)
    {
        var grid = new TriageGridStore(f.Store);
        var all = new List<TriageTile>();
        long? after = null;
        do
        {
            var page = await grid.PageAsync(new TriageFilter(), after, null, TriageGridStore.MaxPageSize, CancellationToken.None);
            all.AddRange(page.Tiles);
            after = page.After;
        }
        while (after is not null);
        return all;
    }

    /// <summary>The first triaged file of <paramref name="kind"/> with a derived picture.</summary>
    public static async Task<TriageTile> WithPictureAsync(WorkbenchFixture f, string kind) =>
        (await TilesAsync(f)).FirstOrDefault(t => t.Kind == kind && t.HasDerived)
        ?? throw new InvalidOperationException($"the tiny demo has no triaged {kind} with a derived picture");

    /// <summary>Posts to a JSON endpoint with the antiforgery token of <paramref name="formPage"/> in the header the pages use.</summary>
    public static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string formPage, string url, string json)
    {
        var html = await client.GetStringAsync(formPage);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, new MediaTypeHeaderValue("application/json")) };
        request.Headers.Add("X-Harrier-Antiforgery", WorkbenchFixture.AntiforgeryToken(html));
        return await client.SendAsync(request);
    }

    /// <summary>Asks for a reveal of <paramref name="id"/> and returns the grant's URL.</summary>
    public static async Task<string> RevealUrlAsync(HttpClient client, long id)
    {
        var r = await PostJsonAsync(client, "/triage", $"/api/media/{id}/reveal", "{}");
        var body = await r.Content.ReadAsStringAsync();
        if (r.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"reveal of {id} answered {(int)r.StatusCode}: {body}");
        }

        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("url").GetString()!;
    }
}
