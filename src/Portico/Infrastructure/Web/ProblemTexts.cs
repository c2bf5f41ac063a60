using Microsoft.AspNetCore.Localization;

namespace Portico.Infrastructure.Web;

/// The words of the API's problem details (ProblemTexts.de.resx). Every problem the portal or the framework writes passes
/// through Translate on its way out: its title, detail and validation messages are read in the request's language when
/// they are English keys here (the framework's titles, the portal's fixed texts); text already in that language, or with
/// data in it, passes unchanged. Type URIs, status codes and field names stay as they are. SCIM errors are not problem
/// details and stay English, as identity providers expect.
public sealed class ProblemTexts
{
    /// A detail with data in it, such as a number of seconds, in the request's language.
    public static string Say(HttpContext http, string english, params object[] arguments) =>
        http.RequestServices.GetRequiredService<IStringLocalizer<ProblemTexts>>()[english, arguments];

    /// The status-code pages write after the request's culture has been put back; the culture chosen for the request stays on it.
    public static IDisposable? InRequestLanguage(HttpContext http) =>
        http.Features.Get<IRequestCultureFeature>() is { } chosen ? new Languages.CultureScope(chosen.RequestCulture.UICulture) : null;

    /// Inside InRequestLanguage.
    public static void Translate(ProblemDetailsContext context)
    {
        var text = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<ProblemTexts>>();
        var problem = context.ProblemDetails;
        problem.Title = Translate(text, problem.Title);
        problem.Detail = Translate(text, problem.Detail);
        if (problem is HttpValidationProblemDetails validation)
        {
            foreach (var field in validation.Errors.Keys.ToList())
            {
                validation.Errors[field] = [.. validation.Errors[field].Select(message => Translate(text, message)!)];
            }
        }
    }

    private static string? Translate(IStringLocalizer text, string? english) => english is null ? null : text[english].Value;
}
