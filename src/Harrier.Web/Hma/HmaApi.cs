using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Harrier.Cases;
using Harrier.Cases.Triage;
using Harrier.Media.Hashing;
using Harrier.Operations;
using Harrier.Operations.Banks;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Harrier.Web.Hma;

/// <summary>
/// The HMA-compatible API (Meta's Hasher-Matcher-Actioner 2.0: <c>/m</c> matching, <c>/h</c> hashing, <c>/c</c> curation)
/// over the case's banks, with HMA's paths, JSON shapes and status codes (docs/web-api.md). API tokens only: a cookie
/// session is not even authenticated here, so a page cannot be made to post to it (no CSRF), and there is no antiforgery
/// token to send. Coordinators and analysts (<see cref="WorkbenchPolicies.Api"/>); a reader's token gets 403.
/// </summary>
public static class HmaApi
{
    /// <summary>The one signal type matched (HMA's name).</summary>
    public const string Pdq = "pdq";

    /// <summary>The index, the lookup audit and the OpenAPI document.</summary>
    internal static IServiceCollection AddServices(IServiceCollection services, WorkbenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<HmaLookupAudit>();
        services.AddHostedService(sp => sp.GetRequiredService<HmaLookupAudit>());
        if (options.Lookup is { } remote)
        {
            // Lookups served elsewhere (the silos of the case's cluster: harrier serve --cluster); no index in this process.
            services.AddSingleton(remote);
        }
        else
        {
            services.AddSingleton(sp => new PdqLookupIndex(sp.GetRequiredService<CaseStore>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IPdqLookup>(sp => sp.GetRequiredService<PdqLookupIndex>());
            services.AddHostedService<HmaIndexLoader>();
        }

        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = options.MaxUploadBytes);
        services.AddOpenApi(o => o.ShouldInclude = d => d.RelativePath is { } p && (p.StartsWith("m/", StringComparison.Ordinal)
            || p.StartsWith("h/", StringComparison.Ordinal) || p.StartsWith("c/", StringComparison.Ordinal)));
        return services;
    }

    /// <summary>Maps <c>/m</c>, <c>/h</c>, <c>/c</c> and <c>/openapi/v1.json</c>.</summary>
    internal static IEndpointRouteBuilder MapEndpoints(IEndpointRouteBuilder app)
    {
        var tokenOnly = new AuthorizeAttribute(WorkbenchPolicies.Api) { AuthenticationSchemes = TokenAuthenticationHandler.SchemeName };
        app.MapOpenApi().RequireAuthorization(tokenOnly);

        var m = app.MapGroup("/m").RequireAuthorization(tokenOnly).DisableAntiforgery().WithTags("matching");
        m.MapGet("/lookup", LookupAsync).WithSummary("The names of the banks with a signal within distance 31 of a PDQ.")
            .Produces<string[]>().Produces<HmaError>(400);
        m.MapGet("/raw_lookup", RawLookupAsync).WithSummary("The content ids (bank entries) within distance 31, with distances when include_distance=true.")
            .Produces<RawLookupResult>().Produces<HmaError>(400);
        m.MapPost("/lookup", LookupFileAsync).WithSummary("Hashes an uploaded photo (multipart field photo) and answers the banks that match, by signal type.")
            .Accepts<IFormFile>("multipart/form-data").Produces<Dictionary<string, string[]>>().Produces<HmaError>(400).Produces<HmaError>(413);
        m.MapGet("/index/status", IndexStatusAsync).WithSummary("Whether the PDQ index is loaded, when it last changed and its size.")
            .Produces<Dictionary<string, IndexStatusResult>>().Produces<HmaError>(400);

        var h = app.MapGroup("/h").RequireAuthorization(tokenOnly).DisableAntiforgery().WithTags("hashing");
        h.MapPost("/hash", HashAsync).WithSummary("Hashes an uploaded photo (field photo: PDQ) or video (field video: vPDQ).")
            .Accepts<IFormFile>("multipart/form-data").Produces<Dictionary<string, string>>().Produces<HmaError>(400).Produces<HmaError>(413);

        var c = app.MapGroup("/c").RequireAuthorization(tokenOnly).DisableAntiforgery().WithTags("curation");
        c.MapGet("/banks", BanksAsync).WithSummary("The case's banks.").Produces<BankResult[]>();
        c.MapPost("/banks", CreateBankAsync).WithSummary("Creates an empty bank ({\"name\": …}); 403 when the name is taken.")
            .Produces<BankResult>(201).Produces<HmaError>(400).Produces<HmaError>(403);
        c.MapPost("/bank/{name}/signal", AddSignalAsync).WithSummary("Adds a signal ({\"pdq\": HEX}) to a bank; lookups find it at once.")
            .Produces<ContentResult>().Produces<HmaError>(400).Produces<HmaError>(404);
        c.MapPost("/bank/{name}/content", AddContentAsync).WithSummary("Hashes an uploaded photo (field photo) and adds its PDQ to a bank.")
            .Accepts<IFormFile>("multipart/form-data").Produces<ContentResult>().Produces<HmaError>(400).Produces<HmaError>(404).Produces<HmaError>(413);
        return app;
    }

    private static async Task<IResult> LookupAsync(string? signal_type, string? signal, HttpContext http, IPdqLookup index, HmaLookupAudit audit)
    {
        if (ParseSignal(signal_type, signal) is { } error)
        {
            return error;
        }

        var matches = await index.LookupAsync(Hash256.Parse(signal), http.RequestAborted);
        audit.Count(Workbench.NameOf(http.User), matches.Count);
        return Results.Ok(matches.Select(x => x.Bank).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
    }

    private static async Task<IResult> RawLookupAsync(string? signal_type, string? signal, string? include_distance, HttpContext http, IPdqLookup index,
        HmaLookupAudit audit)
    {
        if (ParseSignal(signal_type, signal) is { } error)
        {
            return error;
        }

        var matches = await index.LookupAsync(Hash256.Parse(signal), http.RequestAborted);
        audit.Count(Workbench.NameOf(http.User), matches.Count);
        // HMA: include_distance is a flag ("true" in its client); the distance travels as a string, as HMA serialises it.
        return string.Equals(include_distance, "true", StringComparison.OrdinalIgnoreCase) || include_distance == "1"
            ? Results.Ok(new RawLookupResult([.. matches.Select(x => new RawMatch(x.ContentId, x.Distance.ToString(CultureInfo.InvariantCulture)))]))
            : Results.Ok(new { matches = matches.Select(x => x.ContentId).ToArray() });
    }

    private static async Task<IResult> LookupFileAsync(HttpContext http, IPdqLookup index, HmaLookupAudit audit, WorkbenchOptions options)
    {
        var upload = await ReadUploadAsync(http, options, allowVideo: false);
        if (upload.Error is not null)
        {
            return upload.Error;
        }

        var pdq = HashPhoto(upload.Data!, upload.Name!, out var hashError);
        if (hashError is not null)
        {
            return hashError;
        }

        var matches = await index.LookupAsync(pdq!.Value.Hash, http.RequestAborted);
        audit.Count(Workbench.NameOf(http.User), matches.Count);
        return Results.Ok(new Dictionary<string, string[]> { [Pdq] = [.. matches.Select(x => x.Bank).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] });
    }

    private static async Task<IResult> IndexStatusAsync(string? signal_type, IPdqLookup index, CancellationToken cancellationToken)
    {
        if (signal_type is not null && !string.Equals(signal_type, Pdq, StringComparison.Ordinal))
        {
            return BadRequest(UnknownSignalType(signal_type));
        }

        var state = await index.StateAsync(cancellationToken);
        var status = state.Loaded
            ? new IndexStatusResult(true, state.BuiltAt?.ToUnixTimeSeconds(), state.Size)
            : new IndexStatusResult(false, null, 0);
        return Results.Ok(new Dictionary<string, IndexStatusResult> { [Pdq] = status });
    }

    private static async Task<IResult> HashAsync(HttpContext http, WorkbenchOptions options, CancellationToken cancellationToken)
    {
        var upload = await ReadUploadAsync(http, options, allowVideo: true);
        if (upload.Error is not null)
        {
            return upload.Error;
        }

        if (upload.IsVideo)
        {
            try
            {
                return Results.Ok(new Dictionary<string, string> { ["vpdq"] = await HashContent.VideoAsync(upload.Data!, upload.Name!, cancellationToken) });
            }
            catch (OperationException e)
            {
                return BadRequest(e.Message);
            }
        }

        var pdq = HashPhoto(upload.Data!, upload.Name!, out var error);
        return error ?? Results.Ok(new Dictionary<string, string> { [Pdq] = pdq!.Value.Hash.ToString() });
    }

    private static async Task<IResult> BanksAsync(CaseStore store, CancellationToken cancellationToken) =>
        Results.Ok((await new BankStore(store).ListAsync(cancellationToken)).Select(BankResult.Of).ToArray());

    private static async Task<IResult> CreateBankAsync(CreateBankRequest? request, HttpContext http, CaseStore store, CancellationToken cancellationToken)
    {
        if (request?.Name is not { Length: > 0 } name)
        {
            return BadRequest("the body must be JSON with a bank name: {\"name\": \"MY_BANK\"}");
        }

        try
        {
            var bank = await new CurateBank(store).CreateAsync(name, Context(http, store), cancellationToken);
            return Results.Json(BankResult.Of(bank), statusCode: StatusCodes.Status201Created);
        }
        catch (BankExistsException e)
        {
            return Results.Json(new HmaError(e.Message), statusCode: StatusCodes.Status403Forbidden); // as HMA answers
        }
        catch (CaseStoreException e)
        {
            return BadRequest(e.Message);
        }
    }

    private static async Task<IResult> AddSignalAsync(string name, Dictionary<string, string>? body, HttpContext http, CaseStore store, IPdqLookup index,
        CancellationToken cancellationToken)
    {
        if (body is null || body.Count == 0)
        {
            return BadRequest("the body must be JSON with one signal: {\"pdq\": \"HEX\"}");
        }

        var (type, value) = body.First();
        if (body.Count > 1)
        {
            return BadRequest($"one signal per request, got {body.Count} ({string.Join(", ", body.Keys)})");
        }

        if (ParseSignal(type, value) is { } error)
        {
            return error;
        }

        try
        {
            var added = await new CurateBank(store).AddSignalAsync(name, Hash256.Parse(value), Context(http, store), cancellationToken);
            await index.AddedAsync(added, cancellationToken);
            return Results.Ok(ContentResult.Of(added));
        }
        catch (UnknownBankException e)
        {
            return NotFound(e.Message);
        }
    }

    private static async Task<IResult> AddContentAsync(string name, HttpContext http, CaseStore store, IPdqLookup index, WorkbenchOptions options,
        CancellationToken cancellationToken)
    {
        if (!await BankExistsAsync(store, name, cancellationToken))
        {
            return NotFound($"no bank named {name} in this case");
        }

        var upload = await ReadUploadAsync(http, options, allowVideo: false);
        if (upload.Error is not null)
        {
            return upload.Error;
        }

        var pdq = HashPhoto(upload.Data!, upload.Name!, out var error);
        if (error is not null)
        {
            return error;
        }

        try
        {
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(upload.Data!));
            var added = await new CurateBank(store).AddContentAsync(name, pdq!.Value.Hash, pdq.Value.Quality, sha256, Context(http, store), cancellationToken);
            await index.AddedAsync(added, cancellationToken);
            return Results.Ok(ContentResult.Of(added));
        }
        catch (UnknownBankException e)
        {
            return NotFound(e.Message);
        }
    }

    private static async Task<bool> BankExistsAsync(CaseStore store, string name, CancellationToken cancellationToken) =>
        (await new BankStore(store).ListAsync(cancellationToken)).Any(b => b.Name == name);

    private static OperationContext Context(HttpContext http, CaseStore store) => new(WebAudit.ActorOf(http.User), store.Time);

    /// <summary>Null when <paramref name="type"/> is pdq and <paramref name="signal"/> a PDQ hash; else the 400 naming what is wrong.</summary>
    private static IResult? ParseSignal(string? type, [System.Diagnostics.CodeAnalysis.NotNull] string? signal)
    {
        if (string.IsNullOrEmpty(type))
        {
            signal ??= string.Empty;
            return BadRequest("signal_type is missing (this API matches: pdq)");
        }

        if (!string.Equals(type, Pdq, StringComparison.Ordinal))
        {
            signal ??= string.Empty;
            return BadRequest(UnknownSignalType(type));
        }

        if (string.IsNullOrEmpty(signal))
        {
            signal ??= string.Empty;
            return BadRequest("signal is missing: a pdq signal is 64 hex digits");
        }

        if (signal.Length != Hash256.HexLength)
        {
            return BadRequest(string.Create(CultureInfo.InvariantCulture, $"invalid pdq signal: {signal.Length} characters, a pdq signal is {Hash256.HexLength} hex digits"));
        }

        if (!Hash256.TryParse(signal, out _))
        {
            var bad = signal.First(ch => !char.IsAsciiHexDigitLower(ch));
            return BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"invalid pdq signal: '{bad}' at position {signal.IndexOf(bad, StringComparison.Ordinal)} is not a lower-case hex digit"));
        }

        return null;
    }

    private static string UnknownSignalType(string type) => $"unknown signal type '{type}' (this API matches: pdq)";

    private static Harrier.Media.Pdq.PdqResult? HashPhoto(byte[] data, string name, out IResult? error)
    {
        try
        {
            error = null;
            return HashContent.Photo(data, name);
        }
        catch (OperationException e)
        {
            error = BadRequest(e.Message);
            return null;
        }
    }

    /// <summary>
    /// The one uploaded file (field <c>photo</c>, or <c>video</c> where allowed), read into memory. A body over
    /// <see cref="WorkbenchOptions.MaxUploadBytes"/> is 413, said before reading when the length is declared, else when
    /// Kestrel's limit stops the read.
    /// </summary>
    private static async Task<Upload> ReadUploadAsync(HttpContext http, WorkbenchOptions options, bool allowVideo)
    {
        if (http.Request.ContentLength > options.MaxUploadBytes)
        {
            return new(TooLarge(options, http.Request.ContentLength.Value));
        }

        if (!http.Request.HasFormContentType)
        {
            return new(BadRequest("send the file as multipart/form-data, field photo" + (allowVideo ? " or video" : string.Empty)));
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(TooLarge(options, null));
        }
        catch (InvalidDataException e)
        {
            return new(e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase) ? TooLarge(options, null) : BadRequest("malformed multipart body: " + e.Message));
        }

        var photo = form.Files.GetFile("photo");
        var video = allowVideo ? form.Files.GetFile("video") : null;
        var file = photo ?? video;
        if (file is null)
        {
            var got = form.Files.Count == 0 ? "no file" : "files named " + string.Join(", ", form.Files.Select(f => f.Name));
            return new(BadRequest($"expected one file in field photo{(allowVideo ? " or video" : string.Empty)}, got {got}"
                + (!allowVideo && form.Files.GetFile("video") is not null ? " (video is hashed by POST /h/hash; lookups and bank content take photos)" : string.Empty)));
        }

        if (file.Length > options.MaxUploadBytes)
        {
            return new(TooLarge(options, file.Length));
        }

        var data = new byte[file.Length];
        await using (var s = file.OpenReadStream())
        {
            await s.ReadExactlyAsync(data, http.RequestAborted);
        }

        return new(null) { Data = data, Name = string.IsNullOrEmpty(file.FileName) ? file.Name : Path.GetFileName(file.FileName), IsVideo = file == video && photo is null };
    }

    private static IResult TooLarge(WorkbenchOptions options, long? size) =>
        Results.Json(new HmaError(string.Create(CultureInfo.InvariantCulture,
            $"upload too large: {(size is { } s ? s + " bytes, " : string.Empty)}the limit is {options.MaxUploadBytes} bytes")), statusCode: StatusCodes.Status413PayloadTooLarge);

    private static IResult BadRequest(string message) => Results.Json(new HmaError(message), statusCode: StatusCodes.Status400BadRequest);

    private static IResult NotFound(string message) => Results.Json(new HmaError(message), statusCode: StatusCodes.Status404NotFound);

    private sealed record Upload(IResult? Error)
    {
        public byte[]? Data { get; init; }

        public string? Name { get; init; }

        public bool IsVideo { get; init; }
    }
}

/// <summary>An error: 400 (unknown signal type, malformed signal, bad body), 403 (bank exists), 404 (no such bank), 413 (upload too large).</summary>
public sealed record HmaError([property: JsonPropertyName("message")] string Message);

/// <summary><c>{"matches": [{"content_id": 12, "distance": "5"}]}</c>.</summary>
public sealed record RawLookupResult([property: JsonPropertyName("matches")] IReadOnlyList<RawMatch> Matches);

/// <summary>One raw match: the bank entry's id and the distance (a string, as HMA sends it).</summary>
public sealed record RawMatch([property: JsonPropertyName("content_id")] long ContentId, [property: JsonPropertyName("distance")] string Distance);

/// <summary>Index status of one signal type: present, built_to (Unix seconds of its last change), size.</summary>
public sealed record IndexStatusResult(
    [property: JsonPropertyName("present")] bool Present,
    [property: JsonPropertyName("built_to")] long? BuiltTo,
    [property: JsonPropertyName("size")] int Size);

/// <summary>A bank as HMA lists it; every case bank is matched (<c>matching_enabled_ratio</c> 1.0).</summary>
public sealed record BankResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("matching_enabled_ratio")] double MatchingEnabledRatio,
    [property: JsonPropertyName("entries")] int Entries)
{
    internal static BankResult Of(BankInfo bank) => new(bank.Name, 1.0, bank.Entries);
}

/// <summary><c>POST /c/banks</c>: <c>{"name": "MY_BANK"}</c> (HMA's <c>enabled_ratio</c> is accepted; every case bank is matched).</summary>
public sealed record CreateBankRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("enabled_ratio")] double? EnabledRatio);

/// <summary>A bank content added: <c>{"id": N, "signals": {"pdq": HEX}}</c>.</summary>
public sealed record ContentResult(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("signals")] IReadOnlyDictionary<string, string> Signals)
{
    internal static ContentResult Of(BankPdq signal) => new(signal.Id, new Dictionary<string, string> { [HmaApi.Pdq] = signal.Pdq.ToString() });
}

/// <summary>
/// Starts loading the index when the app starts (lookups before it is done wait for it), then every
/// <see cref="PdqLookupIndex.CatchUpEvery"/> (on the injected clock) adds what other processes added to the case's banks.
/// </summary>
internal sealed class HmaIndexLoader(PdqLookupIndex index, TimeProvider time, Microsoft.Extensions.Logging.ILogger<HmaIndexLoader> log)
    : Microsoft.Extensions.Hosting.IHostedService, IDisposable
{
    private ITimer? _timer;
    private int _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = index.EnsureLoadedAsync();
        _timer = time.CreateTimer(_ => _ = CatchUpAsync(), null, PdqLookupIndex.CatchUpEvery, PdqLookupIndex.CatchUpEvery);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private async Task CatchUpAsync()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return; // the previous catch-up is still reading
        }

        try
        {
            await index.CatchUpAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is CaseStoreException or System.Data.Common.DbException or IOException)
        {
            log.LogWarning("the bank index could not read what the case's banks gained: {Message} (tried again in {Seconds} s)", e.Message, PdqLookupIndex.CatchUpEvery.TotalSeconds);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }
}
