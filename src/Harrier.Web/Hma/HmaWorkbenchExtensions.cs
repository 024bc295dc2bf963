using Harrier.Web.Hma;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Harrier.Web;

/// <summary>
/// How <see cref="Workbench"/> takes in the HMA-compatible API (<see cref="HmaApi"/>): one line in each of its Configure
/// methods (in this namespace so the host needs no using of its own).
/// </summary>
public static class HmaWorkbenchExtensions
{
    /// <summary>The index, the lookup audit and the OpenAPI document.</summary>
    public static IServiceCollection AddHmaApi(this IServiceCollection services, WorkbenchOptions options) => HmaApi.AddServices(services, options);

    /// <summary>Maps <c>/m</c>, <c>/h</c>, <c>/c</c> and <c>/openapi/v1.json</c>.</summary>
    public static IEndpointRouteBuilder MapHmaApi(this IEndpointRouteBuilder app) => HmaApi.MapEndpoints(app);
}
