using Microsoft.AspNetCore.Diagnostics;

namespace Portico.Tenancy;

/// Right after sign-in: a staff member's open view (the id in their cookie, checked in the database) becomes the
/// request's ActiveCustomerView, which the account scope then enters as the member's membership for the view's account.
/// While it is open, nothing may change: every request that is not GET, HEAD, OPTIONS or TRACE is refused here, before
/// any page, endpoint or antiforgery check runs, except leaving the view. A view that expired, whose member lost access
/// or whose staff member is no longer an Admin or Agent ends on the first request that notices.
public sealed class CustomerViewMiddleware(RequestDelegate next, TimeProvider clock, ILogger<CustomerViewMiddleware> logger)
{
    public const string RefusalTitle = "Read-only while viewing as a customer";

    public async Task InvokeAsync(HttpContext http, CustomerViewCookie cookie, PorticoDb db, EndCustomerView end)
    {
        if (cookie.Read(http) is { } viewId && http.User.UserId() is { } userId)
        {
            var view = await ResolveAsync(http, viewId, userId, db, end, cookie);
            if (view is not null)
            {
                http.Features.Set(view);
                if (!IsSafe(http.Request.Method) && !Leaves(http) && !IsErrorPage(http))
                {
                    await RefuseAsync(http, view);
                    return;
                }
            }
        }
        else if (http.Request.Cookies.ContainsKey(CustomerViewCookie.Name) && http.User.UserId() is not null)
        {
            cookie.Delete(http);
        }
        await next(http);
    }

    private async Task<ActiveCustomerView?> ResolveAsync(HttpContext http, Guid viewId, Guid userId, PorticoDb db, EndCustomerView end, CustomerViewCookie cookie)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await db.CustomerViews.AsNoTracking().Where(v => v.Id == viewId)
            .Select(v => new
            {
                v.StaffUserId, v.MemberUserId, v.AccountId, v.ExpiresAt, v.EndedAt,
                MemberName = db.Users.Where(u => u.Id == v.MemberUserId).Select(u => u.DisplayName).FirstOrDefault(),
                AccountName = db.Accounts.Where(a => a.Id == v.AccountId).Select(a => a.Name).FirstOrDefault(),
                StaffTwoFactor = db.Users.Where(u => u.Id == v.StaffUserId).Select(u => u.TwoFactorEnabled).FirstOrDefault(),
                MemberHasAccess = db.Memberships.AcrossAccounts()
                    .Any(m => m.AccountId == v.AccountId && m.UserId == v.MemberUserId && (m.ExpiresAt == null || m.ExpiresAt > now)),
            })
            .FirstOrDefaultAsync(http.RequestAborted);
        if (found is null || found.EndedAt is not null)
        {
            cookie.Delete(http);
            return null;
        }
        if (found.StaffUserId != userId)
        {
            // Another staff member's view id: it does nothing for this person and stays theirs.
            logger.LogWarning("User {UserId} presented customer view {ViewId} of another staff member; ignored", userId, viewId);
            cookie.Delete(http);
            return null;
        }
        var endReason = found.ExpiresAt <= now ? CustomerViewEndReasons.Expired
            : !found.MemberHasAccess ? CustomerViewEndReasons.MemberLostAccess
            : !StartCustomerView.MayView(http.User) ? CustomerViewEndReasons.StaffLostRole
            : null;
        if (endReason is not null)
        {
            await end.RunAsync(viewId, endReason, http.RequestAborted);
            cookie.Delete(http);
            return null;
        }
        return new ActiveCustomerView(viewId, userId, found.MemberUserId, found.MemberName ?? "", found.AccountId, found.AccountName ?? "",
            found.ExpiresAt, found.StaffTwoFactor);
    }

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);

    private static bool Leaves(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<LeavesCustomerViewAttribute>() is not null;

    /// The refusal below is shown by re-running the request as the error page, which renders and changes nothing.
    private static bool IsErrorPage(HttpContext http) =>
        http.Features.Get<IStatusCodeReExecuteFeature>() is not null || http.Features.Get<IExceptionHandlerFeature>() is not null;

    private static Task RefuseAsync(HttpContext http, ActiveCustomerView view)
    {
        const string ReadOnly = "You are viewing the portal as {0} ({1}), which is read-only: nothing can be changed. Leave the view to work as yourself again.";
        if (http.Request.Path.StartsWithSegments("/scim"))
        {
            // A provider's SCIM client never carries a staff member's view; a browser that does is refused in SCIM's own shape, in English.
            return Features.SingleSignOn.ScimApi.Error(StatusCodes.Status403Forbidden,
                $"{RefusalTitle}. {string.Format(CultureInfo.InvariantCulture, ReadOnly, view.MemberName, view.AccountName)}").ExecuteAsync(http);
        }
        string message = http.RequestServices.GetRequiredService<IStringLocalizer<CustomerViewMiddleware>>()[ReadOnly, view.MemberName, view.AccountName];
        if (http.Request.Path.StartsWithSegments("/api"))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: RefusalTitle, detail: message).ExecuteAsync(http);
        }
        http.Features.Set(new CustomerViewRefusal(message));
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }
}
