using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Portico.Features.Shared;

[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }
    public string? TraceId { get; private set; }

    public void OnGet(int? code) => Show(code);

    public void OnPost(int? code) => Show(code);

    private void Show(int? code)
    {
        Code = code ?? 500;
        if (code is null)
        {
            Response.StatusCode = 500;
        }
        TraceId = System.Diagnostics.Activity.Current?.Id ?? HttpContext.TraceIdentifier;
    }

    public (string Title, string Text) Message => Code switch
    {
        400 => ("That request was not understood", "Something in the request was malformed. Go back and try again."),
        403 => ("You don't have access to this", "Your role in this account does not include this page. Ask your account owner if you need it."),
        404 => ("Page not found", "There is nothing here, or it is not available to you."),
        413 => ("That upload is too large", "The files you sent are larger than the portal accepts at once. Attach fewer or smaller files and try again."),
        429 => ("Too many attempts", "Please wait a minute and try again."),
        _ => ("Something went wrong", "The problem has been logged. Please try again in a moment."),
    };
}
