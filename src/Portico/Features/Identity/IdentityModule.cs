using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Portico.Infrastructure;

namespace Portico.Features.Identity;

public static class IdentityModule
{
    /// Sign-in, sessions and the account's own security settings, on ASP.NET Core Identity.
    public static IServiceCollection AddPorticoIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SecurityOptions>(configuration, SecurityOptions.Section);
        services.AddValidatedOptions<LoginLimits>(configuration, LoginLimits.Section);

        services.AddIdentityCore<PorticoUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = false;
                o.Tokens.AuthenticatorTokenProvider = AuthenticatorCodes.ProviderName;
                o.Tokens.PasswordResetTokenProvider = PasswordResetTokens.ProviderName;
                o.Stores.SchemaVersion = PorticoDb.IdentitySchemaVersion;
            })
            .AddEntityFrameworkStores<PorticoDb>()
            .AddSignInManager<PorticoSignInManager>()
            .AddClaimsPrincipalFactory<PorticoClaimsFactory>()
            .AddErrorDescriber<IdentityErrors>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<AuthenticatorCodes>(AuthenticatorCodes.ProviderName)
            .AddTokenProvider<PasswordResetTokens>(PasswordResetTokens.ProviderName);
        services.AddAuthentication(IdentityConstants.ApplicationScheme);
        services.AddAuthentication().AddIdentityCookies();
        services.AddMemoryCache();
        services.AddSingleton<DatabaseTicketStore>();
        services.AddSingleton<SessionEndings>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionEndings>());
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<DatabaseTicketStore, IOptions<SecurityOptions>, TimeProvider>((o, store, security, clock) =>
            {
                o.SessionStore = store;
                // Sliding: each use renews the cookie; the absolute limit is kept by the session store.
                o.ExpireTimeSpan = security.Value.IdleTimeout;
                o.SlidingExpiration = true;
                o.TimeProvider = clock;
            });
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "portico.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/error/403";
            o.Events.OnRedirectToLogin = context => ApiAware(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiAware(context, StatusCodes.Status403Forbidden);
        });
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.FromMinutes(1);
            // The check rebuilds the principal; a passkey session must stay one, or the two-factor rules would drop it a minute in.
            o.OnRefreshingPrincipal = SignInStrength.KeepSignInMethod;
        });
        // A passkey counts as two factors only when the authenticator verified the person (fingerprint, face or PIN).
        // Identity's default in .NET 10, pinned here because the two-factor rules rely on it: answers without that flag
        // are refused, when adding a passkey and when signing in.
        services.Configure<IdentityPasskeyOptions>(o => o.UserVerificationRequirement = "required");

        services.AddScoped<SignInWithPassword>();
        services.AddScoped<IdentityEmails>();
        services.AddScoped<MagicLinks>();
        services.AddScoped<SignInWithSecondFactor>();
        services.AddScoped<ResetTwoFactor>();
        services.AddScoped<ManagePasskeys>();
        services.AddScoped<ManageTwoFactor>();
        services.AddScoped<SignInWithPasskey>();
        services.AddScoped<ChangePassword>();
        services.AddScoped<ResetForgottenPassword>();
        services.AddScoped<ChangeEmail>();
        services.AddScoped<EndSessions>();
        services.AddScoped<ChangeProfile>();
        services.AddScoped<LogOut>();

        services.Configure<RateLimiterOptions>(o => o.AddPolicy(LoginLimits.Policy, context =>
        {
            // Opening a form is not an attempt: a busy office behind one address must still see the sign-in page.
            // Opening a sign-in link (a token in the query) signs in, so it counts.
            if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) && !context.Request.Query.ContainsKey("token"))
            {
                return RateLimitPartition.GetNoLimiter("");
            }
            var limits = context.RequestServices.GetRequiredService<IOptions<LoginLimits>>().Value;
            return context.RequestServices.GetRequiredService<SharedRateLimits>().FixedWindow(LoginLimits.Policy,
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown", limits.PerMinutePerAddress, TimeSpan.FromMinutes(1));
        }));
        return services;
    }

    private static Task ApiAware(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = apiStatus;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
