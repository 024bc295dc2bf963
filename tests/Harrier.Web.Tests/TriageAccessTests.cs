using System.Net;
using Harrier.Web.Media;
using Microsoft.Extensions.DependencyInjection;

namespace Harrier.Web.Tests;

/// <summary>Who may see media, and that every file-serving route serves only what a grant or the derived folder allows.</summary>
[Collection(SharedWorkbench.Name)]
public sealed class TriageAccessTests(WorkbenchFixture f)
{
    [Fact]
    public async Task A_reader_gets_403_on_every_triage_page_and_media_route()
    {
        var image = await TriageTestData.WithPictureAsync(f, "image");
        using var reader = await f.SignInAsync(f.Reader);
        foreach (var path in new[] { "/triage", "/triage/first-seen", "/triage/groups", $"/media/{image.EvidenceId}/thumb", "/media/original/anything" })
        {
            Assert.True(HttpStatusCode.Forbidden == (await reader.GetAsync(path)).StatusCode, $"GET {path} as a reader");
        }

        // The reader's own page carries a valid token: the refusal is the role, not a missing token.
        foreach (var path in new[] { $"/api/media/{image.EvidenceId}/reveal", $"/api/triage/{image.EvidenceId}/category" })
        {
            var r = await TriageTestData.PostJsonAsync(reader, "/account/password", path, """{"code":"1"}""");
            Assert.True(HttpStatusCode.Forbidden == r.StatusCode, $"POST {path} as a reader answered {(int)r.StatusCode}");
        }

        var audit = await f.Store.Audit.ReadAsync(200, CancellationToken.None);
        Assert.DoesNotContain(audit, e => e.Actor == $"web:{f.Reader.Name}" && e.Action is "web.media.reveal" or "web.categorise");
    }

    [Fact]
    public async Task A_thumbnail_is_the_derived_picture_never_the_original_and_a_file_without_one_is_404()
    {
        var image = await TriageTestData.WithPictureAsync(f, "image");
        using var analyst = await f.SignInAsync(f.Analyst);
        var r = await analyst.GetAsync($"/media/{image.EvidenceId}/thumb");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
        var bytes = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(f.CaseDir, "derived", "thumbs", $"{image.EvidenceId}.png")), bytes);
        var original = await f.Store.Evidence.OriginalAsync(image.EvidenceId, CancellationToken.None);
        Assert.NotNull(original);
        Assert.NotEqual(await File.ReadAllBytesAsync(original.Value.Path), bytes);

        var tiles = await TriageTestData.TilesAsync(f);
        var none = tiles.Max(t => t.EvidenceId) + 1000;
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/media/{none}/thumb")).StatusCode);
        var bare = tiles.FirstOrDefault(t => !t.HasDerived) ?? throw new InvalidOperationException("every file of the tiny demo has a derived picture");
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/media/{bare.EvidenceId}/thumb")).StatusCode);
    }

    [Theory]
    [InlineData("/media/..%2f..%2fetc%2fpasswd/thumb")]
    [InlineData("/media/../../etc/passwd/thumb")]
    [InlineData("/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd/thumb")]
    [InlineData("/media/1%2f..%2f..%2fcase.json/thumb")]
    [InlineData("/media/original/..%2f..%2fetc%2fpasswd")]
    [InlineData("/media/original/%2e%2e%2fcase.json")]
    [InlineData("/media/original/")]
    [InlineData("/media/-1/thumb")]
    public async Task A_path_in_place_of_an_id_or_grant_is_404(string path)
    {
        using var analyst = await f.SignInAsync(f.Analyst);
        var r = await analyst.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.DoesNotContain("root:", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reveal_of_a_file_changed_since_registration_shows_nothing_and_says_so()
    {
        var image = await TriageTestData.WithPictureAsync(f, "image");
        var original = (await f.Store.Evidence.OriginalAsync(image.EvidenceId, CancellationToken.None))!.Value;
        var bytes = await File.ReadAllBytesAsync(original.Path);
        using var analyst = await f.SignInAsync(f.Analyst);
        try
        {
            await File.WriteAllBytesAsync(original.Path, [.. bytes, 0x00]); // one byte more: another file under the registered name
            var url = await TriageTestData.RevealUrlAsync(analyst, image.EvidenceId);
            var r = await analyst.GetAsync(url);
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            var body = await r.Content.ReadAsStringAsync();
            Assert.Contains($"registered {original.File.Sha256}", body, StringComparison.Ordinal);
            Assert.DoesNotContain("JFIF", body, StringComparison.Ordinal);
        }
        finally
        {
            await File.WriteAllBytesAsync(original.Path, bytes);
        }
    }

    [Fact]
    public async Task A_grant_serves_the_original_once_to_its_own_account_and_never_when_used_twice_expired_or_for_another()
    {
        var image = await TriageTestData.WithPictureAsync(f, "image");
        var original = (await f.Store.Evidence.OriginalAsync(image.EvidenceId, CancellationToken.None))!.Value.Path;
        using var analyst = await f.SignInAsync(f.Analyst);
        using var coordinator = await f.SignInAsync(f.Coordinator);

        var url = await TriageTestData.RevealUrlAsync(analyst, image.EvidenceId);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.GetAsync(url)).StatusCode); // another account's grant
        var first = await analyst.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.StartsWith("image/", first.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Equal(await File.ReadAllBytesAsync(original), await first.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync(url)).StatusCode); // used twice

        var grants = f.Workbench.Services.GetRequiredService<RevealGrants>();
        var expired = grants.Issue(f.Analyst.Name, image.EvidenceId, TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/media/original/{expired}")).StatusCode);
        var live = grants.Issue(f.Analyst.Name, image.EvidenceId, TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync($"/media/original/{live}")).StatusCode); // the same route, unexpired

        var tiles = await TriageTestData.TilesAsync(f);
        var none = tiles.Max(t => t.EvidenceId) + 1000;
        var ghost = grants.Issue(f.Analyst.Name, none, TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/media/original/{ghost}")).StatusCode);
        var noFile = await TriageTestData.PostJsonAsync(analyst, "/triage", $"/api/media/{none}/reveal", "{}");
        Assert.Equal(HttpStatusCode.NotFound, noFile.StatusCode);
        Assert.Contains($"no evidence file {none}", await noFile.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reveal_or_categorisation_without_the_antiforgery_header_is_refused_and_not_audited()
    {
        var image = await TriageTestData.WithPictureAsync(f, "image");
        using var analyst = await f.SignInAsync(f.Analyst);
        var before = (await f.Store.Audit.ReadAsync(null, CancellationToken.None)).Count;
        foreach (var path in new[] { $"/api/media/{image.EvidenceId}/reveal", $"/api/triage/{image.EvidenceId}/category" })
        {
            var r = await analyst.PostAsync(path, new StringContent("""{"code":"1"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("antiforgery", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var after = await f.Store.Audit.ReadAsync(null, CancellationToken.None);
        Assert.DoesNotContain(after.Skip(before), e => e.Actor == "web:ana" && e.Action is "web.media.reveal" or "web.categorise");
    }

    [Fact]
    public async Task A_category_outside_the_scheme_is_refused_naming_the_codes()
    {
        var image = await TriageTestData.WithPictureAsync(f, "image");
        using var analyst = await f.SignInAsync(f.Analyst);
        var r = await TriageTestData.PostJsonAsync(analyst, "/triage", $"/api/triage/{image.EvidenceId}/category", """{"scheme":"VICS-US","code":"9"}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("'9' is not a VICS-US code (codes: 0, 1, 2, 3, 4)", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
