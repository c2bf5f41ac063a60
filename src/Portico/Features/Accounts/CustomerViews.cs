using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;

namespace Portico.Features.Accounts;

/// The view the signed-in staff member has open in this request, checked against the database: theirs, not ended,
/// not expired, the member still in the account and the staff member still an Admin or Agent.
public sealed record ActiveCustomerView(Guid Id, Guid StaffUserId, Guid MemberUserId, string MemberName, Guid AccountId, string AccountName,
    DateTime ExpiresAt, bool StaffTwoFactorEnabled);

/// A member of the account that staff may view the portal as.
public sealed record ViewableMember(Guid UserId, string Name, string Email, string Role);

/// Marks the one page that may be posted to while a view is open: leaving it.
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class LeavesCustomerViewAttribute : Attribute;

/// Why a request was refused while a view was open, for the error page to say.
public sealed record CustomerViewRefusal(string Message);

/// The browser's half of a view: only its id, data-protected, in a session cookie that never reaches other sites.
public sealed class CustomerViewCookie(IDataProtectionProvider protection)
{
    public const string Name = "portico.customer_view";

    private IDataProtector Protector => protection.CreateProtector("Portico.CustomerView");

    public void Write(HttpContext http, Guid viewId) =>
        http.Response.Cookies.Append(Name, Protector.Protect(viewId.ToString()), Options(http));

    public void Delete(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http));

    /// The view id the browser sent, or null when there is none or it was not issued here.
    public Guid? Read(HttpContext http)
    {
        if (http.Request.Cookies[Name] is not { Length: > 0 } raw)
        {
            return null;
        }
        try
        {
            return Guid.TryParse(Protector.Unprotect(raw), out var id) ? id : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    private static CookieOptions Options(HttpContext http) =>
        new() { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", IsEssential = true };
}

/// Opens a view: a staff Admin or Agent, a member of the account, a fresh reason. Any other open view of the same
/// staff member ends, so one person looks through one member's eyes at a time.
public sealed class StartCustomerView(PorticoDb db, AuditLog audit, EndCustomerView end, TimeProvider clock, IStringLocalizer<StartCustomerView> text)
{
    public static bool MayView(ClaimsPrincipal user) => user.HasStaffRole(StaffRole.Admin, StaffRole.Agent);

    public async Task<Outcome<CustomerView>> RunAsync(Guid accountId, Guid? memberUserId, string? reason, ClaimsPrincipal staff, CancellationToken ct)
    {
        if (staff.UserId() is not { } staffUserId || !MayView(staff))
        {
            return Outcome.Forbidden(text["Only staff Admins and Agents may view the portal as a customer."]);
        }
        var accountName = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Name).FirstOrDefaultAsync(ct);
        if (accountName is null)
        {
            return Outcome.NotFound;
        }
        var why = reason?.Trim() ?? "";
        if (why.Length is 0 or > CustomerView.MaxReasonLength)
        {
            string message = text["Give the reason for viewing the portal as this customer (at most {0} characters); the account's Owners see it in their audit log.", CustomerView.MaxReasonLength];
            return Outcome.Refused(message, new Dictionary<string, string> { ["reason"] = message });
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var member = memberUserId is { } id
            ? await db.Memberships.AcrossAccounts().Where(m => m.AccountId == accountId && m.UserId == id && (m.ExpiresAt == null || m.ExpiresAt > now))
                .Select(m => new { m.UserId, m.User.DisplayName, RoleName = m.Role.Name }).FirstOrDefaultAsync(ct)
            : null;
        if (member is null)
        {
            string message = text["Choose a person who currently has access to this account."];
            return Outcome.Refused(message, new Dictionary<string, string> { ["memberId"] = message });
        }
        var open = await db.CustomerViews.Where(v => v.StaffUserId == staffUserId && v.EndedAt == null && v.ExpiresAt > now).Select(v => v.Id).ToListAsync(ct);
        foreach (var previous in open)
        {
            await end.RunAsync(previous, CustomerViewEndReasons.Replaced, ct);
        }
        var view = new CustomerView(staffUserId, member.UserId, accountId, why, now);
        db.CustomerViews.Add(view);
        audit.Record(AuditActions.CustomerViewStarted, accountId, "User", member.UserId.ToString(),
            new { view = view.Id, member = member.DisplayName, role = member.RoleName, reason = why, expires = view.ExpiresAt });
        await db.SaveChangesAsync(ct);
        return view;
    }

    /// The account's people with access now, for the staff member to choose from.
    public async Task<IReadOnlyList<ViewableMember>> MembersAsync(Guid accountId, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Memberships.AcrossAccounts().AsNoTracking()
            .Where(m => m.AccountId == accountId && (m.ExpiresAt == null || m.ExpiresAt > now))
            .OrderBy(m => m.User.DisplayName)
            .Select(m => new ViewableMember(m.UserId, m.User.DisplayName, m.User.Email ?? "", m.Role.Name))
            .ToListAsync(ct);
    }
}

/// Ends a view once, however many requests notice at the same moment that it should end, and audits it in the account.
public sealed class EndCustomerView(PorticoDb db, AuditLog audit, TimeProvider clock)
{
    public async Task RunAsync(Guid viewId, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var view = await db.CustomerViews.AsNoTracking().Where(v => v.Id == viewId && v.EndedAt == null)
            .Select(v => new { v.Id, v.AccountId, v.MemberUserId, v.StaffUserId }).FirstOrDefaultAsync(ct);
        if (view is null)
        {
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Only the request whose update ends the view writes the audit event.
        var ended = await db.CustomerViews.Where(v => v.Id == viewId && v.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.EndedAt, now).SetProperty(v => v.EndReason, reason), ct);
        if (ended == 1)
        {
            audit.Record(AuditActions.CustomerViewEnded, view.AccountId, "User", view.MemberUserId.ToString(), new { view = view.Id, reason },
                actorUserId: view.StaffUserId);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
    }
}

/// Ends views whose thirty minutes are up, so the end is in the audit logs when it happens, not when the staff member
/// next opens a page (a request after expiry is refused the view either way).
public sealed class CustomerViewExpiry(IServiceScopeFactory scopes, TimeProvider clock, ILogger<CustomerViewExpiry> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public async Task<int> EndExpiredAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AccountContext>().EnterCrossAccount();
        var db = scope.ServiceProvider.GetRequiredService<PorticoDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var expired = await db.CustomerViews.Where(v => v.EndedAt == null && v.ExpiresAt <= now)
            .OrderBy(v => v.ExpiresAt).Select(v => v.Id).Take(100).ToListAsync(ct);
        var end = scope.ServiceProvider.GetRequiredService<EndCustomerView>();
        foreach (var id in expired)
        {
            await end.RunAsync(id, CustomerViewEndReasons.Expired, ct);
        }
        return expired.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await EndExpiredAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Ending expired customer views failed; trying again in {Interval}", Interval);
            }
        }
    }
}
