using System.Text.Encodings.Web;

namespace Portico.Features.SingleSignOn;

/// Browsers hold every redirect that answers a form to the page's <c>form-action 'self'</c> policy, so a redirect from
/// "Continue with single sign-on" to the provider is blocked. The provider is reached instead by a page that moves on
/// by itself, a new navigation, and the policy stays as strict as it is.
public static class SingleSignOnHandOver
{
    /// Turns the redirect the framework's handler wrote (its state, nonce and correlation cookies kept) into that page.
    public static IActionResult AsPage(HttpResponse response)
    {
        var target = response.Headers.Location.ToString();
        if (response.StatusCode != StatusCodes.Status302Found || !Uri.TryCreate(target, UriKind.Absolute, out _))
        {
            return new EmptyResult(); // the handler answered otherwise; its answer stands
        }
        response.Headers.Remove("Location");
        response.Headers.CacheControl = "no-store";
        var encoded = HtmlEncoder.Default.Encode(target);
        return new ContentResult
        {
            StatusCode = StatusCodes.Status200OK,
            ContentType = "text/html; charset=utf-8",
            Content = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + $"<meta http-equiv=\"refresh\" content=\"0;url={encoded}\"><title>Single sign-on</title></head>"
                + $"<body><p><a data-testid=\"to-provider\" href=\"{encoded}\">Continue to your organisation's sign-in</a></p></body></html>",
        };
    }
}
