using Microsoft.AspNetCore.Http.HttpResults;

namespace Portico.Features.Audit;

public static class AuditApi
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/staff/audit").WithTags("Audit").RequireAuthorization(Policies.StaffAdmin);

        api.MapGet("/verify", async Task<Ok<ChainVerification>> (VerifyAuditChain verify, CancellationToken ct) =>
            TypedResults.Ok(await verify.RunAsync(ct)))
            .WithName("VerifyAuditChain").WithSummary("Recomputes the hash chain and reports the first broken link.");

        api.MapGet("/", async Task<Ok<AuditPage>> (SearchAuditEvents search, string? action, Guid? accountId, long? before, int? pageSize, CancellationToken ct) =>
            TypedResults.Ok(await search.RunAsync(new AuditQuery(accountId, action, Before: before, PageSize: pageSize ?? 50), ct)))
            .WithName("SearchAuditEvents").WithSummary("Audit events, newest first, keyset-paged by sequence.");

        return api;
    }
}
