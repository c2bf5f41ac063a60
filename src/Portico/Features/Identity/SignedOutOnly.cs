using Microsoft.AspNetCore.Mvc.Filters;

namespace Portico.Features.Identity;

/// On the sign-in pages: someone who already has a session is sent to a page that says so. The cookie
/// handler would otherwise store a new sign-in under the session it already holds (same key, perhaps another
/// person), so that session would be listed, timed and ended as the earlier sign-in's.
[AttributeUsage(AttributeTargets.Class)]
public sealed class SignedOutOnlyAttribute : Attribute, IAsyncPageFilter
{
    public const string AlreadySignedInPath = "/login/already";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HttpContext.User.Identity?.IsAuthenticated == true)
        {
            context.Result = new RedirectResult(AlreadySignedInPath);
            return;
        }
        await next();
    }
}
