using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Portico.Tenancy;

/// Names of the policies every page and endpoint uses. One policy per catalogue permission.
public static class Policies
{
    public const string Staff = "staff";
    public const string StaffAdmin = "staff.admin";
    /// Agents and admins work the request queue; finance staff do not.
    public const string StaffRequests = "staff.requests";
    /// Finance and admins see invoices across accounts.
    public const string StaffBilling = "staff.billing";

    public static bool IsStaff(string? policy) => policy == Staff || policy?.StartsWith(Staff + ".", StringComparison.Ordinal) == true;
}

/// A staff page or endpoint works across accounts, and only staff get past its authorization. Its scope says so from
/// the endpoint, before anything (sign-in included) opens the database, which then opens without the account filter.
public sealed class StaffScopeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http, AccountContext scope)
    {
        if (http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => Policies.IsStaff(a.Policy)) == true)
        {
            scope.EnterCrossAccount();
        }
        return next(http);
    }
}

/// Opens a page or endpoint to members of the route's account whose role grants the permission, under the account's
/// two-factor rule. Typed, so a permission is named once, in Permissions, and never spelled as a policy string.
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false)]
public sealed class AccountPermissionAttribute(string permission) : AuthorizeAttribute, IAuthorizationRequirementData
{
    public string Permission { get; } = permission;

    public IEnumerable<IAuthorizationRequirement> GetRequirements() =>
        [new DenyAnonymousAuthorizationRequirement(), new AccountPermissionRequirement(Permission), AccountMfaRequirement.Instance];
}

/// On a staff page every role may look, but only these staff roles may post its forms; the others get 403.
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class StaffChangesAttribute(params StaffRole[] roles) : Attribute, Microsoft.AspNetCore.Mvc.Filters.IAsyncPageFilter
{
    public IReadOnlyList<StaffRole> Roles { get; } = roles;

    /// Whether the page's forms are for the signed-in person, so the page shows only what they may use.
    public static bool Allows(Microsoft.AspNetCore.Mvc.RazorPages.PageModel page) =>
        System.Reflection.CustomAttributeExtensions.GetCustomAttribute<StaffChangesAttribute>(page.GetType()) is not { } attribute
        || page.User.HasStaffRole([.. attribute.Roles]);

    public Task OnPageHandlerSelectionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context,
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        if (!HttpMethods.IsGet(context.HttpContext.Request.Method) && !context.HttpContext.User.HasStaffRole([.. Roles]))
        {
            context.Result = new Microsoft.AspNetCore.Mvc.StatusCodeResult(StatusCodes.Status403Forbidden);
            return;
        }
        await next();
    }
}

public static class AccountPermissionEndpoints
{
    public static TBuilder RequireAccountPermission<TBuilder>(this TBuilder builder, string permission) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(new AccountPermissionAttribute(permission));
}

/// The route's {accountId} must be an account the user has an active membership in,
/// and that membership's role must grant the permission.
public sealed class AccountPermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

public sealed class StaffRequirement(params StaffRole[] roles) : IAuthorizationRequirement
{
    public IReadOnlyList<StaffRole> Roles { get; } = roles;
}

/// With Security:RequireMfaForStaff on, staff pages open only for staff who have two-factor sign-in on,
/// or whose session was signed in with a passkey. Every new sign-in of someone with an authenticator app
/// takes a code (or is a passkey); the session in which they turned it on proved a code too.
public sealed class StaffMfaRequirement : IAuthorizationRequirement
{
    public static readonly StaffMfaRequirement Instance = new();
}

/// An account whose staff Admin asked for it opens only to members with two-factor sign-in on, or in a
/// session signed in with a passkey; checked on every request so turning the rule on takes effect at once.
public sealed class AccountMfaRequirement : IAuthorizationRequirement
{
    public static readonly AccountMfaRequirement Instance = new();
}

public sealed class MfaSetupRequiredReason(IAuthorizationHandler handler) : AuthorizationFailureReason(handler, "Two-factor sign-in must be set up first");

/// Failure reasons the result handler turns into 404 (not yours) or 403 (yours, but not allowed).
public sealed class NotAMemberReason(IAuthorizationHandler handler) : AuthorizationFailureReason(handler, "Not a member of this account");

public sealed class MissingPermissionReason(IAuthorizationHandler handler, string permission)
    : AuthorizationFailureReason(handler, $"Missing permission {permission}");

public static class ClaimsPrincipalExtensions
{
    public static Guid? UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static bool HasStaffRole(this ClaimsPrincipal user, params StaffRole[] roles) =>
        Enum.TryParse<StaffRole>(user.FindFirstValue(StaffHandler.StaffRoleClaim), out var role) && roles.Contains(role);
}

/// Decides the permission and the account's two-factor rule from the membership the request's account scope
/// already holds; it reads nothing and changes nothing.
public sealed class AccountPermissionHandler : IAuthorizationHandler
{
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        var permission = context.PendingRequirements.OfType<AccountPermissionRequirement>().FirstOrDefault();
        var mfa = context.PendingRequirements.OfType<AccountMfaRequirement>().FirstOrDefault();
        if (permission is null && mfa is null)
        {
            return Task.CompletedTask;
        }
        if (context.Resource is not HttpContext http || context.User.UserId() is null)
        {
            return Task.CompletedTask;
        }
        if (http.RequestServices.GetRequiredService<AccountContext>().Membership is not { } membership)
        {
            context.Fail(new NotAMemberReason(this));
            return Task.CompletedTask;
        }
        if (permission is not null && !membership.Permissions.Contains(permission.Permission))
        {
            context.Fail(new MissingPermissionReason(this, permission.Permission));
            return Task.CompletedTask;
        }
        if (mfa is not null)
        {
            if (membership.RequiresMfa && !SignInStrength.MeetsTwoFactorRule(context.User, membership.TwoFactorEnabled))
            {
                context.Fail(new MfaSetupRequiredReason(this));
                return Task.CompletedTask;
            }
            context.Succeed(mfa);
        }
        if (permission is not null)
        {
            context.Succeed(permission);
        }
        return Task.CompletedTask;
    }
}

/// Resolves the route's {accountId} once per request, after sign-in is known and before authorization decides:
/// the person's active memberships are read in one query (all of them, a handful, so the layout's account switcher
/// needs no query of its own) and the one for the route's account, if any, becomes the request's account scope.
/// While a staff member views the portal as a customer, the view's account is entered with the member's membership,
/// and only that account is known, so the member's other accounts stay out of reach.
public sealed class AccountScopeMiddleware(RequestDelegate next, TimeProvider clock)
{
    public const string RouteKey = "accountId";

    public async Task InvokeAsync(HttpContext http, AccountContext scope, PorticoDb db)
    {
        if (http.User.UserId() is { } userId && http.GetRouteValue(RouteKey) is string raw && Guid.TryParse(raw, out var accountId))
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var view = http.Features.Get<ActiveCustomerView>() is { } open && open.AccountId == accountId ? open : null;
            var personId = view?.MemberUserId ?? userId;
            // Memberships are themselves account-owned; this is the one query that must look across accounts.
            var query = db.Memberships.AcrossAccounts().AsNoTracking().Where(m => m.UserId == personId && (m.ExpiresAt == null || m.ExpiresAt > now));
            if (view is not null)
            {
                query = query.Where(m => m.AccountId == accountId);
            }
            var memberships = await query
                .OrderBy(m => m.Account.Name)
                .Select(m => new { m.Id, m.AccountId, AccountName = m.Account.Name, RoleName = m.Role.Name, m.Role.Permissions, m.Account.RequireMfa, m.User.TwoFactorEnabled })
                .ToListAsync(http.RequestAborted);
            scope.KnowAccountsOfUser(memberships.Select(m => new Features.Shared.AccountChoice(m.AccountId, m.AccountName, m.RoleName)).ToList());
            if (memberships.FirstOrDefault(m => m.AccountId == accountId) is { } membership)
            {
                scope.EnterAccount(new VerifiedMembership(accountId, membership.Id, membership.RoleName, membership.Permissions.ToHashSet(),
                    membership.RequireMfa, view?.StaffTwoFactorEnabled ?? membership.TwoFactorEnabled, personId, ViewedByStaff: view is not null));
            }
        }
        await next(http);
    }
}

public sealed class StaffHandler : AuthorizationHandler<StaffRequirement>
{
    public const string StaffRoleClaim = "portico:staff_role";

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffRequirement requirement)
    {
        if (Enum.TryParse<StaffRole>(context.User.FindFirstValue(StaffRoleClaim), out var role)
            && (requirement.Roles.Count == 0 || requirement.Roles.Contains(role)))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

public sealed class StaffMfaHandler(IOptions<SecurityOptions> options) : AuthorizationHandler<StaffMfaRequirement>
{
    public const string SetupPath = "/account/security";

    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffMfaRequirement requirement)
    {
        // Someone who is not staff is refused by the staff requirement; sending them to set-up would say nothing useful.
        if (!options.Value.RequireMfaForStaff || !context.User.HasClaim(c => c.Type == StaffHandler.StaffRoleClaim))
        {
            context.Succeed(requirement);
            return;
        }
        // A session signed in with a passkey, or through a provider that asserted multi-factor authentication, meets the rule
        // whatever the database says, so it is not asked.
        if (SignInStrength.MeetsTwoFactorRule(context.User, twoFactorEnabled: false))
        {
            context.Succeed(requirement);
            return;
        }
        if (context.Resource is not HttpContext http || context.User.UserId() is not { } userId)
        {
            return;
        }
        // Read from the database: the cookie does not carry it, and the session that turns it on must get in at once.
        var enabled = await http.RequestServices.GetRequiredService<PorticoDb>().Users.AsNoTracking()
            .Where(u => u.Id == userId).Select(u => u.TwoFactorEnabled).FirstOrDefaultAsync(http.RequestAborted);
        // A passkey session already succeeded above; here only the authenticator app counts.
        if (enabled)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new MfaSetupRequiredReason(this));
        }
    }
}

/// Another account's id answers 404, never 403, so ids reveal nothing. A member without
/// the permission gets a plain 403. Neither redirects: there is nothing to sign in to. People who
/// must set up two-factor sign-in first are sent to the page where they do it; API callers get a
/// 403 problem saying so.
public sealed class AccountAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && authorizeResult.AuthorizationFailure is { } failure)
        {
            // Checked first: whether a foreign account asks for two-factor sign-in is none of an outsider's business.
            if (failure.FailureReasons.OfType<NotAMemberReason>().Any())
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }
            if (failure.FailureReasons.OfType<MfaSetupRequiredReason>().Any())
            {
                if (!context.Request.Path.StartsWithSegments("/api"))
                {
                    context.Response.Redirect(StaffMfaHandler.SetupPath);
                    return Task.CompletedTask;
                }
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Two-factor sign-in required",
                    detail: ProblemTexts.Say(context, "Turn on two-factor sign-in at {0}, or sign in with a passkey, before using this.", StaffMfaHandler.SetupPath)).ExecuteAsync(context);
            }
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

public static class AuthorizationSetup
{
    public static IServiceCollection AddPorticoAuthorization(this IServiceCollection services)
    {
        services.AddScoped<AccountContext>();
        services.AddSingleton<IAuthorizationHandler, StaffHandler>();
        services.AddSingleton<IAuthorizationHandler, StaffMfaHandler>();
        services.AddSingleton<IAuthorizationHandler, AccountPermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccountAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Staff, p => p.RequireAuthenticatedUser().AddRequirements(new StaffRequirement(), StaffMfaRequirement.Instance))
            .AddPolicy(Policies.StaffAdmin, p => p.RequireAuthenticatedUser().AddRequirements(new StaffRequirement(StaffRole.Admin), StaffMfaRequirement.Instance))
            .AddPolicy(Policies.StaffRequests, p => p.RequireAuthenticatedUser().AddRequirements(new StaffRequirement(StaffRole.Agent, StaffRole.Admin), StaffMfaRequirement.Instance))
            .AddPolicy(Policies.StaffBilling, p => p.RequireAuthenticatedUser().AddRequirements(new StaffRequirement(StaffRole.Finance, StaffRole.Admin), StaffMfaRequirement.Instance))
            .AddIntegrationPolicy();
        return services;
    }
}
