using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Portico.Features.SingleSignOn;

/// Where the framework's handler hands over: the validated ID token becomes a Portico sign-in (or a refusal), and every
/// failure the handler finds (state, nonce, signature, issuer, audience, expiry, the token exchange) is audited and
/// answered with the sign-in page, never an error page.
internal static class SingleSignOnEvents
{
    public const string ReturnUrlItem = "returnUrl";
    public const string LoginHintItem = "login_hint";

    public static Task RedirectingAsync(RedirectContext context)
    {
        if (context.Properties.Items.TryGetValue(LoginHintItem, out var hint) && hint is not null)
        {
            context.ProtocolMessage.LoginHint = hint;
        }
        return Task.CompletedTask;
    }

    public static async Task TicketReceivedAsync(TicketReceivedContext context)
    {
        context.HandleResponse();
        var providerId = SingleSignOnSchemes.ProviderOf(context.Scheme.Name)!.Value;
        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInWithSingleSignOn>();
        var result = await signIn.RunAsync(providerId, context.Principal!, context.HttpContext.RequestAborted);
        var returnUrl = context.Properties?.Items.TryGetValue(ReturnUrlItem, out var url) == true && IsLocal(url) ? url! : "/";
        context.Response.Redirect(result switch
        {
            { Outcome: SingleSignOnOutcome.SignedIn } => returnUrl,
            { Outcome: SingleSignOnOutcome.RequiresTwoFactor } => "/login/two-factor?returnUrl=" + Uri.EscapeDataString(returnUrl),
            _ => "/login?sso=" + result.Reason,
        });
    }

    public static async Task RemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var services = context.HttpContext.RequestServices;
        var providerId = SingleSignOnSchemes.ProviderOf(context.Scheme.Name);
        var failure = context.Failure;
        // The reason the person is not told (state, correlation or nonce cookie, token checks), for whoever reads the log.
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOnEvents)).LogWarning(failure,
            "Single sign-on through provider {Provider} refused at the callback {Path}{Query}: {Reason}; cookies sent: {Cookies}",
            providerId, context.Request.Path, context.Request.QueryString.HasValue ? " with " + string.Join(", ", context.Request.Query.Keys) : "",
            failure?.Message, string.Join(", ", context.Request.Cookies.Keys.Where(k => k.StartsWith(".AspNetCore.", StringComparison.Ordinal))
                .Select(k => k.Length > 40 ? k[..40] + "…" : k)));
        services.GetRequiredService<AuditLog>().Record(AuditActions.SingleSignOnRefused, targetType: "SingleSignOnProvider", targetId: providerId?.ToString(),
            details: new { reason = "rejected", error = failure?.GetType().Name, message = Shorten(failure?.Message) }, actorName: null);
        await services.GetRequiredService<PorticoDb>().SaveChangesAsync(context.HttpContext.RequestAborted);
        context.Response.Redirect("/login?sso=" + SingleSignOnReasons.Rejected);
    }

    /// The callback of a provider that was disabled or removed after the person left for it.
    public static IApplicationBuilder UseSingleSignOnCallbacks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments(SingleSignOnSchemes.CallbackPrefix, out var rest)
            && Guid.TryParseExact(rest.Value?.Trim('/'), "N", out var providerId))
        {
            var services = context.RequestServices;
            var db = services.GetRequiredService<PorticoDb>();
            if (await services.GetRequiredService<SingleSignOnSchemes>().PrepareAsync(db, providerId, context.RequestAborted) is null)
            {
                services.GetRequiredService<AuditLog>().Record(AuditActions.SingleSignOnRefused, targetType: "SingleSignOnProvider",
                    targetId: providerId.ToString(), details: new { reason = SingleSignOnReasons.Disabled }, actorName: null);
                await db.SaveChangesAsync(context.RequestAborted);
                context.Response.Redirect("/login?sso=" + SingleSignOnReasons.Disabled);
                return;
            }
        }
        await next(context);
    });

    private static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static string? Shorten(string? message) => message is { Length: > 300 } ? message[..300] : message;
}
