using System.Globalization;
using Harrier.Cases;
using Harrier.Cases.Persons;
using Harrier.Operations;
using Harrier.Operations.Flow;
using Harrier.Web.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Harrier.Web.Api;

/// <summary>
/// The payment flow as JSON for the graph pages (Cytoscape.js elements): <c>/api/persons/{n}/flow</c> for one person
/// (a reader: only its own country's), <c>/api/flow</c> for the whole case (coordinators and analysts).
/// </summary>
internal static class FlowApi
{
    /// <summary>The most payments one graph shows (the whole case is cut there, and says so).</summary>
    public const int MaxPayments = 5000;

    public static IEndpointRouteBuilder MapFlowApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/persons/{number:int}/flow", async (int number, HttpContext http, CaseStore store, WebAudit audit, TimeProvider time, CancellationToken ct) =>
        {
            var persons = new PersonsStore(store);
            var run = await persons.LatestRunAsync(ct);
            var person = run is null ? null : await persons.PersonAsync(run.RunId, number, ct);
            if (run is null || person is null)
            {
                return Results.NotFound(new { error = string.Create(CultureInfo.InvariantCulture, $"no person {number} in the latest persons run") });
            }

            if (!http.User.MaySee(person.Country?.Country))
            {
                await audit.RecordAsync(http.User, "web.denied", string.Create(CultureInfo.InvariantCulture,
                    $"flow of person {number} of persons run {run.RunId}: placed in {person.Country?.Country ?? "no country"}, not the reader's {http.User.ReaderCountry()}"), ct);
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }

            return await RunAsync(new PaymentFlowRequest(number, MaxPayments), http, store, time, ct);
        }).RequireAuthorization(WorkbenchPolicies.SignedIn);
        app.MapGet("/api/flow", (int? max, HttpContext http, CaseStore store, TimeProvider time, CancellationToken ct) =>
                RunAsync(new PaymentFlowRequest(null, Math.Clamp(max ?? MaxPayments, 1, MaxPayments)), http, store, time, ct))
            .RequireAuthorization(WorkbenchPolicies.AllCountries);
        return app;
    }

    private static async Task<IResult> RunAsync(PaymentFlowRequest request, HttpContext http, CaseStore store, TimeProvider time, CancellationToken ct)
    {
        try
        {
            var flow = await new PaymentFlow(store).RunAsync(request, new OperationContext(WebAudit.ActorOf(http.User), time), ct);
            return Results.Json(new
            {
                nodes = flow.Nodes.Select(n => new { data = new { id = n.Id, kind = n.Kind, label = n.Label, detail = n.Detail } }),
                edges = flow.Edges.Select((e, i) => new { data = new { id = "e" + i.ToString(CultureInfo.InvariantCulture), source = e.Source, target = e.Target, label = e.Label } }),
                payments = flow.Payments,
                attributed = flow.Attributed,
                truncated = flow.Truncated,
                traced = flow.Traced,
            });
        }
        catch (OperationException e)
        {
            return Results.BadRequest(new { error = e.Message });
        }
    }
}
