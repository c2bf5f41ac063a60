using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Portico.Features.Accounts;
using Portico.Features.Audit;
using Portico.Features.Benchmark;
using Portico.Features.Identity;
using Portico.Features.Integrations;
using Portico.Features.Documents;
using Portico.Features.Requests;
using Portico.Infrastructure.Data;
using Portico.Infrastructure.Email;
using Portico.Infrastructure.Outbox;
using Portico.Infrastructure.Storage;
using Portico.Infrastructure.Tenancy;
using Portico.Infrastructure.Web;

// "--demo" is a flag, not a key/value pair, and "admin create --email …" a command: both are taken out before
// configuration reads the rest.
var adminCommand = Portico.Features.Staff.AdminCommand.Split(args);
var demo = args.Contains("--demo");
var builder = WebApplication.CreateBuilder((adminCommand?.Others ?? args).Where(a => a != "--demo").ToArray());
if (demo)
{
    builder.Configuration["Portico:SeedDemoData"] = "true";
}

var services = builder.Services;
services.AddOptions<BrandingOptions>().Bind(builder.Configuration.GetSection(BrandingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddOptions<SmtpOptions>().Bind(builder.Configuration.GetSection(SmtpOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddOptions<OutboxOptions>().Bind(builder.Configuration.GetSection(OutboxOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddOptions<LoginLimits>().Bind(builder.Configuration.GetSection(LoginLimits.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddOptions<ApiLimits>().Bind(builder.Configuration.GetSection(ApiLimits.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddSingleton(TimeProvider.System);
services.AddHttpContextAccessor();

services.AddPorticoDatabase(builder.Configuration, builder.Environment);
services.AddPorticoAuthorization();

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
        o.Stores.SchemaVersion = PorticoDb.IdentitySchemaVersion;
    })
    .AddEntityFrameworkStores<PorticoDb>()
    .AddSignInManager<PorticoSignInManager>()
    .AddClaimsPrincipalFactory<PorticoClaimsFactory>()
    .AddDefaultTokenProviders()
    .AddTokenProvider<AuthenticatorCodes>(AuthenticatorCodes.ProviderName);
services.AddAuthentication(IdentityConstants.ApplicationScheme)
    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, Portico.Features.Integrations.IntegrationKeyAuthentication>(
        Portico.Features.Integrations.IntegrationKeyAuthentication.SchemeName, null);
services.AddAuthentication().AddIdentityCookies();
services.AddMemoryCache();
services.AddSingleton<DatabaseTicketStore>();
services.AddOptions<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
    .Configure<DatabaseTicketStore, Microsoft.Extensions.Options.IOptions<SecurityOptions>, TimeProvider>((o, store, security, clock) =>
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
services.AddDataProtection().SetApplicationName("Portico").PersistKeysToDbContext<PorticoDb>();
services.AddAntiforgery(o => o.Cookie.Name = "portico.antiforgery");

services.AddScoped<AuditLog>();
services.AddScoped<VerifyAuditChain>();
services.AddOptions<AuditOptions>().Bind(builder.Configuration.GetSection(AuditOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddSingleton<AuditCheckpoints>();
services.AddHostedService<AuditCheckpointWorker>();
services.AddScoped<EmailOutbox>();
services.AddScoped<SignInWithPassword>();
services.AddScoped<MagicLinks>();
services.AddScoped<SignInWithSecondFactor>();
services.AddScoped<ResetTwoFactor>();
services.AddScoped<ManagePasskeys>();
services.AddScoped<ManageTwoFactor>();
services.AddScoped<SignInWithPasskey>();
services.AddScoped<ChangePassword>();
services.AddScoped<ChangeEmail>();
services.AddScoped<DemoData>();
services.AddScoped<Portico.Features.Staff.StaffSetup>();
services.AddSingleton<Portico.Features.Staff.FirstAdminLink>();
// After the database initializer, which migrates: hosted services start in the order they were added.
services.AddHostedService(sp => sp.GetRequiredService<Portico.Features.Staff.FirstAdminLink>());
services.AddScoped<Portico.Features.Contacts.ChangeMembershipRole>();
services.AddScoped<Portico.Features.Contacts.ListContacts>();
services.AddScoped<Portico.Features.Contacts.ManageContacts>();
services.AddScoped<Portico.Features.Approvals.ApprovalGate>();
services.AddScoped<Portico.Features.Approvals.DecideChange>();
services.AddScoped<ChangeCompanyAddress>();
services.AddScoped<AccountPolicies>();
services.AddScoped<CreateAccount>();
services.AddScoped<SearchAuditEvents>();
services.AddScoped<Portico.Features.Shared.PortalShell>();
services.AddOptions<RequestOptions>().Bind(builder.Configuration.GetSection(RequestOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddScoped<RequestAccess>();
services.AddScoped<RequestNotifier>();
services.AddScoped<Portico.Features.Notifications.Recipients>();
services.AddScoped<AccountNumbers>();
services.AddScoped<SubmitRequest>();
services.AddScoped<CustomerRequestActions>();
services.AddScoped<StaffRequestActions>();
services.AddScoped<AttachmentFiles>();
services.AddSingleton<AttachmentStorageMove>();
services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddOptions<DocumentOptions>().Bind(builder.Configuration.GetSection(DocumentOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddSingleton<IBlobStorage, LocalDiskBlobStorage>();
services.AddScoped<DocumentAccess>();
services.AddScoped<DocumentNotifier>();
services.AddScoped<UploadDocument>();
services.AddScoped<DocumentFiles>();
services.AddScoped<DocumentActions>();
services.AddSingleton<BlobSweeper>();
services.AddSingleton<DocumentReminders>();
services.AddHostedService<DocumentMaintenanceWorker>();
services.AddScoped<Portico.Features.Integrations.IntegrationSync>();
services.AddScoped<Portico.Features.Integrations.Freshness>();
services.AddScoped<Portico.Features.Webhooks.WebhookPublisher>();
services.AddScoped<Portico.Features.Imports.CsvImport>();
services.AddSingleton<IOutboxHandler, Portico.Features.Webhooks.SendWebhook>();
services.AddOptions<Portico.Features.Webhooks.WebhookOptions>().Bind(builder.Configuration.GetSection(Portico.Features.Webhooks.WebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
services.AddSingleton<Portico.Features.Webhooks.ReceiverGuard>();
services.AddHttpClient("webhooks", c => c.Timeout = TimeSpan.FromSeconds(10))
    .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<Portico.Features.Webhooks.ReceiverGuard>().CreateHandler());
services.AddSingleton<OutboxSignal>();
services.AddSingleton<OutboxProcessor>();
services.AddSingleton<IOutboxHandler, SendEmail>();
services.AddHostedService<OutboxWorker>();

services.AddRazorPages(o =>
{
    o.RootDirectory = "/Features";
}).AddMvcOptions(o =>
{
    // A value named in the route (the account, the request, the document) is the one authorization checked:
    // a form or query field of the same name must never replace it, as it would with the framework's default order.
    var route = o.ValueProviderFactories.OfType<Microsoft.AspNetCore.Mvc.ModelBinding.RouteValueProviderFactory>().Single();
    o.ValueProviderFactories.Remove(route);
    o.ValueProviderFactories.Insert(0, route);
});
services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.RefuseInForms());
services.ConfigureHttpJsonOptions(o => o.SerializerOptions.RefuseInJson());
// Unreadable API input becomes an exception that BadApiInput answers with a problem naming the field,
// instead of a bare 400 that does not say what was wrong.
services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
services.AddExceptionHandler<BadApiInput>();
services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
{
    // Routing refuses a body type an endpoint does not accept without saying what to send instead.
    if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && context.ProblemDetails.Detail is null)
    {
        context.ProblemDetails.Detail = $"The body's Content-Type ({context.HttpContext.Request.ContentType ?? "none"}) is not one this endpoint takes; "
            + "the API description at /openapi/v1.json gives the type for each (file uploads take the file's bytes as application/octet-stream).";
    }
});
services.AddValidation();
services.AddOpenApi(o => o.AddSchemaTransformer(ControlCharacters.DescribeTextAsText));
services.AddHealthChecks().AddDbContextCheck<PorticoDb>("database", tags: ["ready"]);
services.AddRateLimiter(o =>
{
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    o.OnRejected = ApiLimits.OnRejectedAsync;
    o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ApiLimits.Partition);
    // Each integration key gets its own budget, so one busy source cannot starve the others.
    o.AddPolicy(Portico.Features.Integrations.IntegrationApi.RateLimit, context =>
        RateLimitPartition.GetFixedWindowLimiter(IntegrationKey.Parse(context.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.OrdinalIgnoreCase))?.KeyId ?? "",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) }));
    o.AddPolicy(LoginLimits.Policy, context =>
    {
        // Opening a form is not an attempt: a busy office behind one address must still see the sign-in page.
        // Opening a sign-in link (a token in the query) signs in, so it counts.
        if ((HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) && !context.Request.Query.ContainsKey("token"))
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        var limits = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<LoginLimits>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.PerMinutePerAddress, Window = TimeSpan.FromMinutes(1) });
    });
});

var app = builder.Build();

if (adminCommand is { } command)
{
    return await Portico.Features.Staff.AdminCommand.RunAsync(app, command.Command);
}

app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api =>
{
    api.UseExceptionHandler();
    api.UseStatusCodePages();
});
app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), web =>
{
    web.UseExceptionHandler(new ExceptionHandlerOptions
    {
        ExceptionHandlingPath = "/error",
        StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
    });
    web.UseStatusCodePagesWithReExecute("/error/{0}");
});
if (!app.Environment.IsDevelopment())
{
    app.UseHsts();
}
app.UseSecurityHeaders();
app.UseStaticFiles();
app.UseRouting();
app.RefuseControlCharactersInUrls();
app.UseAuthentication();
app.UseMiddleware<AccountScopeMiddleware>();
// After authentication, so the API budget can be per person rather than per address.
app.UseRateLimiter();
app.UseAuthorization();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
app.MapOpenApi().AllowAnonymous();
app.MapRazorPages();
app.MapBrandingStyles();
app.MapBenchmarkEndpoints();
app.MapAccountsApi();
app.MapAuditApi();
app.MapRequestsApi();
app.MapDocumentsApi();
app.MapIntegrationApi();

if (app.Configuration.GetValue<bool>("Portico:SeedDemoData"))
{
    app.Lifetime.ApplicationStarted.Register(() => DemoBanner.Print(app));
}

app.Run();
return 0;

static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int apiStatus)
{
    if (context.Request.Path.StartsWithSegments("/api"))
    {
        context.Response.StatusCode = apiStatus;
        return Task.CompletedTask;
    }
    context.Response.Redirect(context.RedirectUri);
    return Task.CompletedTask;
}

public partial class Program;
